// Raw bytes to the HTTP front of `annals serve --http`, for what a real
// client would never send, and for answers given before any request.
#ifndef ANNALS_TESTS_TOOLS_RAW_HTTP_H_
#define ANNALS_TESTS_TOOLS_RAW_HTTP_H_

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdint>
#include <string>

#include <gtest/gtest.h>

namespace annals::test {

// Connects to `http` ("http://127.0.0.1:PORT"), sends `bytes`, then
// (when `half_close`) shuts down its sending side, and returns everything
// the server answered until it closed. A 60 s receive guard makes a broken
// build fail rather than hang.
inline std::string RawExchange(const std::string& http, const std::string& bytes,
                               bool half_close = true) {
  const int port = std::stoi(http.substr(http.rfind(':') + 1));
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  timeval guard{60, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &guard, sizeof(guard));
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may close early (headers too large)
    sent += static_cast<size_t>(n);
  }
  if (half_close) shutdown(fd, SHUT_WR);
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) out.append(buf, static_cast<size_t>(n));
  close(fd);
  return out;
}

}  // namespace annals::test

#endif  // ANNALS_TESTS_TOOLS_RAW_HTTP_H_
