// A real HTTP client for the tests of `annals serve --http`
// (tests/tools/serve_http_test.cc): KJ's HttpClient (libkj-http) on its
// own event loop, one request at a time.
#ifndef ANNALS_TESTS_TOOLS_HTTP_TEST_CLIENT_H_
#define ANNALS_TESTS_TOOLS_HTTP_TEST_CLIENT_H_

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kj/async-io.h"
#include "kj/compat/http.h"

namespace annals::test {

struct HttpResult {
  unsigned status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // names as sent
};

class HttpTestClient {
 public:
  // `base`: "http://127.0.0.1:PORT".
  explicit HttpTestClient(std::string base)
      : base_(std::move(base)), io_(kj::setupAsyncIo()), table_(kj::heap<kj::HttpHeaderTable>()) {
    client_ = kj::newHttpClient(io_.provider->getTimer(), *table_, io_.provider->getNetwork(),
                                nullptr);
  }

  HttpResult Request(kj::HttpMethod method, const std::string& target,
                     const std::string& body = "") {
    kj::HttpHeaders headers(*table_);
    std::string url = base_ + target;
    auto req = client_->request(method, kj::StringPtr(url.c_str()), headers,
                                body.empty() && method == kj::HttpMethod::GET
                                    ? kj::Maybe<uint64_t>(nullptr)
                                    : kj::Maybe<uint64_t>(body.size()));
    kj::Promise<void> sent = kj::READY_NOW;
    if (!body.empty()) sent = req.body->write(body.data(), body.size()).attach(kj::mv(req.body));
    else req.body = nullptr;
    sent.wait(io_.waitScope);
    auto response = req.response.wait(io_.waitScope);
    HttpResult r;
    r.status = response.statusCode;
    response.headers->forEach([&](kj::StringPtr name, kj::StringPtr value) {
      r.headers[std::string(name.cStr())] = std::string(value.cStr());
    });
    r.body = std::string(response.body->readAllText().wait(io_.waitScope).cStr());
    return r;
  }

  HttpResult Get(const std::string& target) { return Request(kj::HttpMethod::GET, target); }

  // A Server-Sent Events stream (GET `target`), read frame by frame.
  struct Frame {
    std::string id, event, data;
  };
  class Stream {
   public:
    unsigned status = 0;
    std::string content_type;
    bool cut = false;  // the stream ended with the connection closed mid-chunk
    std::vector<std::string> comments;  // comment blocks (": ...") Next() skipped

    // Reads on until `count` comment blocks have been seen; false if the
    // stream ends first (or a frame comes: Next() would lose it).
    bool WaitForComments(size_t count) {
      while (comments.size() < count) {
        size_t end;
        while ((end = buffer_.find("\n\n")) == std::string::npos)
          if (!ReadMore()) return false;
        if (buffer_.rfind(":", 0) != 0) return false;
        comments.push_back(buffer_.substr(0, end));
        buffer_.erase(0, end + 2);
      }
      return true;
    }
    // The next frame (comments skipped); nullopt when the stream ended
    // (cleanly, or cut: the connection closed mid-chunk). Waits at most a
    // minute (a hang guard, not a timing assertion).
    std::optional<Frame> Next() {
      for (;;) {
        size_t end = buffer_.find("\n\n");
        if (end != std::string::npos) {
          std::string block = buffer_.substr(0, end);
          buffer_.erase(0, end + 2);
          if (block.rfind(":", 0) == 0) comments.push_back(block);
          Frame f;
          bool any = false;
          size_t at = 0;
          while (at <= block.size()) {
            size_t nl = std::min(block.find('\n', at), block.size());
            std::string line = block.substr(at, nl - at);
            at = nl + 1;
            auto field = [&](const char* name, std::string* out) {
              std::string p = std::string(name) + ": ";
              if (line.rfind(p, 0) != 0) return;
              *out = line.substr(p.size());
              any = true;
            };
            field("id", &f.id);
            field("event", &f.event);
            field("data", &f.data);
          }
          if (any) return f;
          continue;
        }
        if (!ReadMore()) return std::nullopt;
      }
    }

   private:
    // Appends what the stream has next; false when it ended.
    bool ReadMore() {
      char chunk[4096];
      size_t n = 0;
      try {
        n = client_->io_.provider->getTimer()
                .timeoutAfter(60 * kj::SECONDS, body_->tryRead(chunk, 1, sizeof(chunk)))
                .wait(client_->io_.waitScope);
      } catch (const kj::Exception& e) {
        if (e.getType() != kj::Exception::Type::DISCONNECTED) throw;
        cut = true;
      }
      if (n == 0) return false;
      buffer_.append(chunk, n);
      return true;
    }

    friend class HttpTestClient;
    HttpTestClient* client_ = nullptr;
    kj::Own<kj::AsyncInputStream> body_;
    std::string buffer_;
  };
  std::unique_ptr<Stream> Subscribe(const std::string& target,
                                    const std::string& last_event_id = "") {
    kj::HttpHeaders headers(*table_);
    if (!last_event_id.empty()) headers.add("Last-Event-ID", last_event_id);
    std::string url = base_ + target;
    auto req = client_->request(kj::HttpMethod::GET, kj::StringPtr(url.c_str()), headers);
    req.body = nullptr;
    auto response = req.response.wait(io_.waitScope);
    auto s = std::make_unique<Stream>();
    s->client_ = this;
    s->status = response.statusCode;
    KJ_IF_MAYBE(ct, response.headers->get(kj::HttpHeaderId::CONTENT_TYPE)) {
      s->content_type = ct->cStr();
    }
    s->body_ = kj::mv(response.body);
    return s;
  }

 private:
  std::string base_;
  kj::AsyncIoContext io_;
  kj::Own<kj::HttpHeaderTable> table_;
  kj::Own<kj::HttpClient> client_;
};

}  // namespace annals::test

#endif  // ANNALS_TESTS_TOOLS_HTTP_TEST_CLIENT_H_
