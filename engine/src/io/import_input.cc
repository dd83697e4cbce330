// ImportInput (annals/import.h): an import's input, opened ahead of the
// store, and read again for --strict even when it is a pipe, by way of an
// unnamed temporary copy.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "annals/import.h"
#include "io/import_input_reader.h"

namespace annals {
namespace {

absl::Status ErrnoError(int err, const std::string& what) {
  return absl::Status(absl::ErrnoToStatusCode(err),
                      absl::StrCat(what, ": ", std::strerror(err)));
}

// An unnamed file in $TMPDIR (else /tmp): O_TMPFILE where the filesystem
// has it, else a named one unlinked at once. Nothing is left behind even
// if the process is killed.
absl::StatusOr<int> NewTempFile() {
  const char* env = std::getenv("TMPDIR");
  std::string dir = env != nullptr && *env != '\0' ? env : "/tmp";
  int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0) return fd;
  std::string name = dir + "/annals-import-XXXXXX";
  std::vector<char> buf(name.begin(), name.end());
  buf.push_back('\0');
  fd = ::mkostemp(buf.data(), O_CLOEXEC);
  if (fd < 0) return ErrnoError(errno, absl::StrCat("cannot create a temporary file in ", dir));
  ::unlink(buf.data());
  return fd;
}

// Copies everything readable from `in` into a new temporary file; returns
// it, rewound, and its size.
absl::StatusOr<int> Spool(int in, const std::string& path, uint64_t* size) {
  auto tmp = NewTempFile();
  if (!tmp.ok()) return tmp.status();
  std::vector<char> buf(1 << 20);
  *size = 0;
  auto fail = [&](absl::Status st) {
    ::close(*tmp);
    return st;
  };
  for (;;) {
    ssize_t n = ::read(in, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(absl::DataLossError(absl::StrCat("read error on ", path, ": ",
                                                            std::strerror(errno))));
    if (n == 0) break;
    for (ssize_t done = 0; done < n;) {
      ssize_t w = ::write(*tmp, buf.data() + done, n - done);
      if (w < 0 && errno == EINTR) continue;
      if (w < 0)
        return fail(ErrnoError(errno, absl::StrCat("copying ", path,
                                                   " to a temporary file (for --strict)")));
      done += w;
    }
    *size += static_cast<uint64_t>(n);
  }
  if (::lseek(*tmp, 0, SEEK_SET) != 0) return fail(ErrnoError(errno, "rewinding the copy"));
  return *tmp;
}

}  // namespace

struct ImportInput::Impl {
  std::string path;
  int fd = -1;
  bool owned = false;   // close fd at the end
  bool regular = false;  // fd can be read again from `start`
  off_t start = 0;
  uint64_t size = 0;     // of what is read from `start` on; 0 if unknown
  FileId id;
  bool used = false;  // a once-only input was read
  ~Impl() {
    if (owned) ::close(fd);
  }
};

ImportInput::ImportInput(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ImportInput::~ImportInput() = default;

const std::string& ImportInput::path() const { return impl_->path; }
ImportInput::FileId ImportInput::file_id() const { return impl_->id; }
bool ImportInput::rereadable() const { return impl_->regular; }

absl::StatusOr<std::unique_ptr<ImportInput>> ImportInput::Open(const std::string& path,
                                                               bool rereadable) {
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  if (path == "-") {
    impl->fd = 0;
  } else {
    impl->fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (impl->fd < 0) return ErrnoError(errno, absl::StrCat("cannot open ", path));
    impl->owned = true;
  }
  struct stat st {};
  if (::fstat(impl->fd, &st) != 0) return ErrnoError(errno, absl::StrCat("cannot read ", path));
  if (S_ISDIR(st.st_mode)) return absl::InvalidArgumentError(absl::StrCat(path, " is a directory"));
  impl->id = {static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)};
  if (S_ISREG(st.st_mode)) {
    impl->regular = true;
    impl->start = std::max<off_t>(::lseek(impl->fd, 0, SEEK_CUR), 0);
    impl->size = st.st_size > impl->start ? st.st_size - impl->start : 0;
  } else if (rereadable) {
    uint64_t size = 0;
    auto copy = Spool(impl->fd, path, &size);
    if (!copy.ok()) return copy.status();
    if (impl->owned) ::close(impl->fd);
    impl->fd = *copy;
    impl->owned = true;
    impl->regular = true;
    impl->size = size;
  }
  return std::unique_ptr<ImportInput>(new ImportInput(std::move(impl)));
}

namespace internal {

absl::StatusOr<std::unique_ptr<ByteSource>> ImportInputReader::NewSource(ImportInput& input) {
  ImportInput::Impl& in = *input.impl_;
  if (!in.regular) {
    if (in.used)
      return absl::FailedPreconditionError(
          absl::StrCat(in.path, " can be read only once, and was read already"));
    in.used = true;
    return ByteSource::FromFd(in.fd, false, 0, false,
                              in.path == "-" ? "standard input" : in.path);
  }
  int fd = ::dup(in.fd);  // shares the offset: one reader at a time
  if (fd < 0) return ErrnoError(errno, absl::StrCat("cannot read ", in.path));
  if (::lseek(fd, in.start, SEEK_SET) != in.start) {
    absl::Status st = ErrnoError(errno, absl::StrCat("cannot rewind ", in.path));
    ::close(fd);
    return st;
  }
  return ByteSource::FromFd(fd, true, in.size, in.start == 0, in.path);
}

}  // namespace internal
}  // namespace annals
