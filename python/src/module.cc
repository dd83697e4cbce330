// _annals: the C++ half of the `annals` Python package (python/annals/ is
// the Python half, which gives it keyword arguments, iterators, pandas
// frames and the exception classes).
//
// Every engine call runs with the GIL released, so other Python threads run
// while the store is read; Python objects are built only with it held.
//
// The module's parts: convert.h (engine values to Python objects, errors),
// log_cursor.h (the log iterator), event_stream.h and subscription.h
// (Store.subscribe's iterator), store.h (the Store class); this file
// binds them.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <string>

#include "annals/version.h"
#include "claims_columns.h"
#include "convert.h"
#include "log_cursor.h"
#include "network_columns.h"
#include "search_hits.h"
#include "series_columns.h"
#include "store.h"

namespace py = pybind11;

namespace {

// An event kind's name (annals::EventKindName) as the kind.
annals::EventKind ParseKind(const std::string& name) {
  using annals::EventKind;
  for (EventKind k : {EventKind::kStatement, EventKind::kCorrection, EventKind::kRetraction,
                      EventKind::kActorAlias, EventKind::kMention})
    if (name == annals::EventKindName(k)) return k;
  throw annals::python::StatusError{absl::InvalidArgumentError(absl::StrCat(
      "kind: expected \"statement\", \"correction\", \"retraction\", \"actor_alias\" or "
      "\"mention\", not '", name, "'"))};
}

}  // namespace

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

  py::class_<Subscriber>(m, "Subscriber")
      .def("__iter__", [](Subscriber& s) -> Subscriber& { return s; })
      .def("__next__", &Subscriber::Next)
      .def("close", &Subscriber::Close)
      .def_property_readonly("resume_from", &Subscriber::ResumeFrom);

  m.def("connect", &Store::Connect, py::arg("address"), py::arg("token") = "",
        py::arg("tls_ca") = "");
  m.def("server_address", [](const std::string& path) { return annals::ServerAddress(path); });

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
      .def_property_readonly("address", &Store::address)
      .def("subscribe",
           [](Store& s, uint64_t from_seq, std::vector<std::string> actors,
              std::vector<std::string> topics, const std::vector<std::string>& kinds,
              std::string projection, std::vector<std::string> key) {
             annals::SubscriptionFilter f;
             f.actors = std::move(actors);
             f.topics = std::move(topics);
             for (const std::string& k : kinds) f.kinds.push_back(ParseKind(k));
             f.projection = std::move(projection);
             f.key = std::move(key);
             return s.Subscribe(from_seq, f);
           })
      .def("log", &Store::Log)
      .def("log_columns", &Store::LogColumns)
      .def("current_columns", &Store::CurrentColumns)
      .def("get", &Store::Get)
      .def("find", &Store::Find)
      .def("timeline", &Store::Timeline)
      .def("series_columns", &SeriesColumns)
      .def("network_columns", &NetworkColumns)
      .def("search_hits", &SearchHits)
      .def("claims_columns", &ClaimsColumns)
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
