// _annals: the C++ half of the `annals` Python package (python/annals/ is
// the Python half, which gives it keyword arguments, iterators, pandas
// frames and the exception classes).
//
// Every engine call runs with the GIL released, so other Python threads run
// while the store is read; Python objects are built only with it held.
//
// The module's parts: convert.h (engine values to Python objects, errors),
// log_cursor.h (the log iterator), store.h (the Store class); this file
// binds them.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <string>

#include "annals/version.h"
#include "convert.h"
#include "log_cursor.h"
#include "store.h"

namespace py = pybind11;

PYBIND11_MODULE(_annals, m) {
  using namespace annals::python;
  m.doc() = "C++ core of the annals package; use `import annals`.";
  m.attr("TIME_COLUMNS") = TimeColumns();
  m.def("version", [] {
    annals::VersionInfo v = annals::GetVersionInfo();
    py::dict d;
    d["annals"] = v.annals;
    d["store_format"] = v.store_format;
    d["event_schema"] = v.event_schema;
    d["rocksdb"] = v.rocksdb;
    return d;
  });

  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const StatusError& e) {
      py::object errors = py::module_::import("annals._errors");
      py::object exc = errors.attr("from_status")(
          static_cast<int>(e.status.code()), std::string(e.status.message()));
      PyErr_SetObject(exc.get_type().ptr(), exc.ptr());
    }
  });

  py::class_<LogCursor>(m, "LogCursor")
      .def("__iter__", [](LogCursor& c) -> LogCursor& { return c; })
      .def("__next__", &LogCursor::Next);

  py::class_<Store>(m, "Store")
      .def(py::init<const std::string&, bool, bool>(), py::arg("path"), py::arg("read_only"),
           py::arg("create"))
      .def("close", &Store::Close)
      .def_property_readonly("closed", &Store::closed)
      .def_property_readonly("read_only", &Store::read_only)
      .def_property_readonly("path", &Store::path)
      .def_property_readonly("head", &Store::Head)
      .def("refresh", &Store::Refresh)
      .def("append_json", &Store::Append)
      .def("import_file", &Store::ImportFile)
      .def("log", &Store::Log)
      .def("log_columns", &Store::LogColumns)
      .def("current_columns", &Store::CurrentColumns)
      .def("get", &Store::Get)
      .def("find", &Store::Find)
      .def("timeline", &Store::Timeline)
      .def("series_columns", &Store::SeriesColumns)
      .def("current_json", &Store::CurrentJson)
      .def("correct", &Store::Correct)
      .def("retract", &Store::Retract)
      .def("alias", &Store::Alias)
      .def("projections", &Store::Projections)
      .def("create_projection", &Store::CreateProjection)
      .def("drop_projection", &Store::DropProjection)
      .def("rebuild", &Store::Rebuild)
      .def("counts", &Store::Counts)
      .def("stats", &Store::Stats);
}
