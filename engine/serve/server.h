#pragma once
// The HTTP server behind the viewer (Boost.Beast): GET and HEAD only, read-only, the viewer's
// static files from one folder and the catalogue's JSON under /api/.
// Thread contract: run() serves on the given number of threads until stop(), which any thread may
// call; the catalogue is shared by all of them.
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "serve/catalogue.h"

namespace ntm::serve {

struct ServerOptions {
    std::string host = "127.0.0.1";       // loopback unless told otherwise
    unsigned short port = 8080;           // 0: any free port (see Server::port())
    std::string viewer_dir;               // the built viewer (index.html, app.js, vendor/…)
    int threads = 0;                      // 0: the number of cores, at least 2
    std::size_t header_limit = 8 * 1024;  // request line and headers; more: 431
    std::chrono::seconds timeout{30};     // to read a request or write a response
    bool handle_signals = false;          // stop on SIGINT / SIGTERM (the command line sets it)
};

// What one request gets: a status, a type and a body (already compressed when `deflated`).
struct Reply {
    unsigned status = 200;
    std::string content_type = "text/plain; charset=utf-8";
    std::shared_ptr<const std::string> body;
    bool deflated = false;
};

// The path of a request target, percent-decoded and without the query, or nothing when it is not
// a clean absolute path: a `.` or `..` segment (also encoded, %2e%2e), an empty segment, a
// backslash, a NUL or a bad %-escape.
std::optional<std::string> clean_path(std::string_view target);

// The reply to a GET for `target` (404 when nothing is there, 400 for a path clean_path refuses).
Reply route(ResultsCatalogue& catalogue, const std::string& viewer_dir, std::string_view target,
            bool accepts_deflate);

class Server {
 public:
    // Binds and listens; throws UsageError when the host is not an address or the port is taken.
    Server(ResultsCatalogue& catalogue, ServerOptions options);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    unsigned short port() const;  // the bound port
    std::string url() const;      // http://HOST:PORT/
    void run();
    void stop();

 private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace ntm::serve
