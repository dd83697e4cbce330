// Plain files and pipes via read(2); .gz via zlib's inflate (gzip wrapper,
// concatenated members); .zip via libzip.
#include "io/byte_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "io/zip_library.h"
#include "model/sv.h"

namespace annals::internal {
namespace {

absl::Status ErrnoError(int err, const std::string& what) {
  return absl::Status(absl::ErrnoToStatusCode(err),
                      absl::StrCat(what, ": ", std::strerror(err)));
}

// A file descriptor, with a few bytes read ahead to sniff the magic.
class FdSource : public ByteSource {
 public:
  FdSource(int fd, bool owned, uint64_t total) : fd_(fd), owned_(owned), total_(total) {}
  ~FdSource() override {
    if (owned_) ::close(fd_);
  }
  absl::StatusOr<size_t> Read(char* buf, size_t n) override {
    if (pos_ < ahead_.size()) {
      size_t k = std::min(n, ahead_.size() - pos_);
      std::memcpy(buf, ahead_.data() + pos_, k);
      pos_ += k;
      return k;
    }
    for (;;) {
      ssize_t r = ::read(fd_, buf, n);
      if (r >= 0) {
        done_ += static_cast<uint64_t>(r);
        return static_cast<size_t>(r);
      }
      if (errno == EINTR) continue;
      return absl::DataLossError(absl::StrCat("read error: ", std::strerror(errno)));
    }
  }
  // Reads up to `n` bytes ahead without consuming them.
  absl::StatusOr<std::string_view> Peek(size_t n) {
    while (ahead_.size() < n) {
      char buf[64];
      ssize_t r = ::read(fd_, buf, std::min(sizeof buf, n - ahead_.size()));
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) return absl::DataLossError(absl::StrCat("read error: ", std::strerror(errno)));
      if (r == 0) break;
      ahead_.append(buf, static_cast<size_t>(r));
      done_ += static_cast<uint64_t>(r);
    }
    return std::string_view(ahead_);
  }
  uint64_t bytes_done() const override { return done_; }
  uint64_t bytes_total() const override { return total_; }
  // Gives up the descriptor: the caller closes it.
  int Release() {
    owned_ = false;
    return fd_;
  }

 private:
  int fd_;
  bool owned_;
  uint64_t total_;
  uint64_t done_ = 0;
  std::string ahead_;
  size_t pos_ = 0;
};

class StringSource : public ByteSource {
 public:
  explicit StringSource(std::string bytes) : bytes_(std::move(bytes)) {}
  absl::StatusOr<size_t> Read(char* buf, size_t n) override {
    size_t k = std::min(n, bytes_.size() - pos_);
    std::memcpy(buf, bytes_.data() + pos_, k);
    pos_ += k;
    return k;
  }
  uint64_t bytes_done() const override { return pos_; }
  uint64_t bytes_total() const override { return bytes_.size(); }

 private:
  std::string bytes_;
  size_t pos_ = 0;
};

class GzipSource : public ByteSource {
 public:
  explicit GzipSource(std::unique_ptr<ByteSource> in) : in_(std::move(in)), in_buf_(1 << 18) {
    std::memset(&z_, 0, sizeof z_);
    ok_ = inflateInit2(&z_, 15 + 32) == Z_OK;  // +32: gzip or zlib header
  }
  ~GzipSource() override { inflateEnd(&z_); }

  absl::StatusOr<size_t> Read(char* buf, size_t n) override {
    if (!ok_) return absl::InternalError("zlib: cannot initialise");
    z_.next_out = reinterpret_cast<Bytef*>(buf);
    z_.avail_out = static_cast<uInt>(std::min<size_t>(n, 1u << 30));
    while (z_.avail_out > 0) {
      if (z_.avail_in == 0 && !eof_) {
        auto r = in_->Read(in_buf_.data(), in_buf_.size());
        if (!r.ok()) return r.status();
        if (*r == 0) eof_ = true;
        z_.next_in = reinterpret_cast<Bytef*>(in_buf_.data());
        z_.avail_in = static_cast<uInt>(*r);
      }
      if (z_.avail_in == 0 && eof_) {
        if (in_member_)
          return absl::InvalidArgumentError(
              "compressed data ends early (the .gz file is truncated)");
        break;
      }
      if (!in_member_) {
        // Bytes after a finished member: another member starts.
        inflateReset(&z_);
        in_member_ = true;
      }
      int rc = inflate(&z_, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        in_member_ = false;
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        return absl::InvalidArgumentError(absl::StrCat(
            "damaged compressed data (zlib: ", z_.msg ? z_.msg : "error", ")"));
      }
    }
    return n - z_.avail_out;
  }
  uint64_t bytes_done() const override { return in_->bytes_done() - z_.avail_in; }
  uint64_t bytes_total() const override { return in_->bytes_total(); }
  const char* compression() const override { return "gzip"; }

 private:
  std::unique_ptr<ByteSource> in_;
  std::vector<char> in_buf_;
  z_stream z_;
  bool ok_ = false;
  bool eof_ = false;
  bool in_member_ = true;
};

class ZipSource : public ByteSource {
 public:
  ZipSource(const ZipLibrary& z, zip_t* archive, zip_file_t* file, uint64_t size)
      : z_(z), archive_(archive), file_(file), size_(size) {}
  ~ZipSource() override {
    z_.fclose(file_);
    z_.discard(archive_);
  }
  absl::StatusOr<size_t> Read(char* buf, size_t n) override {
    zip_int64_t r = z_.fread(file_, buf, n);
    if (r < 0)
      return absl::InvalidArgumentError(
          absl::StrCat("damaged zip entry: ", z_.error_strerror(z_.file_get_error(file_))));
    done_ += static_cast<uint64_t>(r);
    return static_cast<size_t>(r);
  }
  uint64_t bytes_done() const override { return done_; }
  uint64_t bytes_total() const override { return size_; }
  const char* compression() const override { return "zip"; }

 private:
  const ZipLibrary& z_;
  zip_t* archive_;
  zip_file_t* file_;
  uint64_t size_;
  uint64_t done_ = 0;
};

// Takes over `fd` (a regular file), whatever happens.
absl::StatusOr<std::unique_ptr<ByteSource>> OpenZip(int fd) {
  auto loaded = LoadZipLibrary();
  if (!loaded.ok()) {
    ::close(fd);
    return loaded.status();
  }
  const ZipLibrary& z = **loaded;
  int err = 0;
  zip_t* archive = ::lseek(fd, 0, SEEK_SET) == 0 ? z.fdopen(fd, ZIP_RDONLY, &err) : nullptr;
  if (archive == nullptr) {
    ::close(fd);
    zip_error_t ze;
    z.error_init_with_code(&ze, err);
    std::string msg = absl::StrCat("cannot read the zip archive: ", z.error_strerror(&ze));
    z.error_fini(&ze);
    return absl::InvalidArgumentError(msg);
  }
  std::vector<zip_uint64_t> files;
  zip_int64_t n = z.get_num_entries(archive, 0);
  for (zip_int64_t i = 0; i < n; ++i) {
    const char* name = z.get_name(archive, static_cast<zip_uint64_t>(i), 0);
    if (name != nullptr && !std::string_view(name).ends_with("/"))
      files.push_back(static_cast<zip_uint64_t>(i));
  }
  if (files.size() != 1) {
    z.discard(archive);
    return absl::InvalidArgumentError(absl::StrCat(
        "the zip archive holds ", files.size(),
        " files; annals imports a zip holding exactly one (extract the one you want)"));
  }
  zip_stat_t st;
  z.stat_init(&st);
  uint64_t size = 0;
  if (z.stat_index(archive, files[0], 0, &st) == 0 && (st.valid & ZIP_STAT_SIZE))
    size = st.size;
  zip_file_t* file = z.fopen_index(archive, files[0], 0);
  if (file == nullptr) {
    std::string msg = absl::StrCat("cannot read the zip entry: ",
                                   z.error_strerror(z.get_error(archive)));
    z.discard(archive);
    return absl::InvalidArgumentError(msg);
  }
  return std::make_unique<ZipSource>(z, archive, file, size);
}

}  // namespace

absl::StatusOr<std::unique_ptr<ByteSource>> ByteSource::FromFd(int fd, bool owned,
                                                               uint64_t total, bool seekable,
                                                               const std::string& name) {
  if (seekable) ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  auto source = std::make_unique<FdSource>(fd, owned, total);
  auto magic = source->Peek(4);
  if (!magic.ok()) return magic.status();
  if (magic->starts_with("\x1f\x8b"))
    return std::unique_ptr<ByteSource>(new GzipSource(std::move(source)));
  if (magic->starts_with("PK\x03\x04") || magic->starts_with("PK\x05\x06")) {
    if (!seekable)
      return absl::InvalidArgumentError(absl::StrCat(
          "a zip archive cannot be read from ", name,
          " (not a regular file); give the archive's file name"));
    int own = owned ? source->Release() : ::dup(fd);
    if (own < 0) return ErrnoError(errno, absl::StrCat("cannot read ", name));
    return OpenZip(own);
  }
  return std::unique_ptr<ByteSource>(std::move(source));
}

std::unique_ptr<ByteSource> ByteSource::FromString(std::string bytes) {
  return std::make_unique<StringSource>(std::move(bytes));
}

}  // namespace annals::internal
