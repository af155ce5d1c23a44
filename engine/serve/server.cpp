#include "serve/server.h"

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/version.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "core/error.h"
#include "core/progress.h"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace fs = std::filesystem;
using tcp = asio::ip::tcp;

namespace ntm::serve {

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string content_type_for(const fs::path& p) {
    static const std::pair<const char*, const char*> kTypes[] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json; charset=utf-8"},
        {".png", "image/png"},
        {".svg", "image/svg+xml"},
        {".map", "application/json; charset=utf-8"},
        {".txt", "text/plain; charset=utf-8"}};
    const std::string ext = p.extension().string();
    for (const auto& [e, t] : kTypes)
        if (ext == e) return t;
    return "application/octet-stream";
}

Reply text_reply(unsigned status, const std::string& text) {
    Reply r;
    r.status = status;
    r.body = std::make_shared<const std::string>(text + "\n");
    return r;
}

}  // namespace

std::optional<std::string> clean_path(std::string_view target) {
    target = target.substr(0, target.find_first_of("?#"));
    if (target.empty() || target.front() != '/') return std::nullopt;
    std::string path;
    for (std::size_t i = 0; i < target.size(); ++i) {
        char c = target[i];
        if (c == '%') {
            if (i + 2 >= target.size()) return std::nullopt;
            const int hi = hex_value(target[i + 1]), lo = hex_value(target[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            c = static_cast<char>(hi * 16 + lo);
            i += 2;
        }
        if (c == '\0' || c == '\\') return std::nullopt;
        path += c;
    }
    // Every segment after the leading slash: no ".", "..", or empty one (but "/" alone is fine).
    if (path == "/") return path;
    std::size_t start = 1;
    while (start <= path.size()) {
        const std::size_t end = std::min(path.find('/', start), path.size());
        const std::string_view seg(path.data() + start, end - start);
        if (seg.empty() || seg == "." || seg == "..") return std::nullopt;
        start = end + 1;
    }
    return path;
}

Reply route(ResultsCatalogue& catalogue, const std::string& viewer_dir, std::string_view target,
            bool accepts_deflate) {
    const auto path = clean_path(target);
    if (!path)
        return text_reply(
            400, "bad path: '..', '.', empty segments, backslashes and bad %-escapes are refused");
    if (path->rfind("/api/", 0) == 0) {
        PayloadPtr p;
        try {
            p = catalogue.get(path->substr(5));
        } catch (const Error& e) {
            // The detail (with the server's own paths) goes to the server's log, not to the
            // browser.
            warn(std::string("serve ") + *path + ": " + e.what());
            return text_reply(500, "cannot read these results; the server's log says why");
        }
        if (!p) return text_reply(404, "not found: " + *path);
        Reply r;
        r.content_type = p->content_type;
        r.deflated = accepts_deflate && p->deflated.size() < p->body.size();
        // The payload lives as long as the catalogue; the reply shares it without a copy.
        r.body = std::shared_ptr<const std::string>(p, r.deflated ? &p->deflated : &p->body);
        return r;
    }
    const fs::path root = fs::path(viewer_dir).lexically_normal();
    fs::path file = (root / path->substr(1)).lexically_normal();
    if (*path == "/") file = root / "index.html";
    // clean_path already refused "..": this is the second lock on the same door.
    const auto [r_end, f_end] = std::mismatch(root.begin(), root.end(), file.begin(), file.end());
    if (r_end != root.end()) return text_reply(400, "bad path");
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) return text_reply(404, "not found: " + *path);
    // A link inside the viewer folder is served only when it points inside it too.
    const auto real_root = fs::canonical(root, ec);
    const auto real_file = ec ? fs::path() : fs::canonical(file, ec);
    if (ec || std::mismatch(real_root.begin(), real_root.end(), real_file.begin(), real_file.end())
                      .first != real_root.end())
        return text_reply(404, "not found: " + *path);
    std::ifstream in(file, std::ios::binary);
    std::ostringstream data;
    data << in.rdbuf();
    if (!in) return text_reply(500, "cannot read " + *path);
    Reply r;
    r.content_type = content_type_for(file);
    r.body = std::make_shared<const std::string>(std::move(data).str());
    return r;
}

namespace {

// One connection: reads requests one after another (keep-alive) and answers each.
class Session : public std::enable_shared_from_this<Session> {
 public:
    Session(tcp::socket socket, ResultsCatalogue& catalogue, const ServerOptions& options)
        : m_stream(std::move(socket)), m_catalogue(catalogue), m_options(options) {}

    void start() {
        asio::dispatch(m_stream.get_executor(),
                       beast::bind_front_handler(&Session::read, shared_from_this()));
    }

 private:
    void read() {
        m_parser.emplace();
        m_parser->header_limit(static_cast<std::uint32_t>(m_options.header_limit));
        m_parser->body_limit(0);  // read-only: a request has no business carrying a body
        m_stream.expires_after(m_options.timeout);
        http::async_read(m_stream, m_buffer, *m_parser,
                         beast::bind_front_handler(&Session::on_read, shared_from_this()));
    }

    void on_read(beast::error_code ec, std::size_t) {
        if (ec == http::error::end_of_stream || ec == asio::error::operation_aborted ||
            ec == beast::error::timeout)
            return close();
        if (ec == http::error::header_limit) return send_error(431, "request headers too large");
        if (ec == http::error::body_limit || ec == http::error::unexpected_body)
            return send_error(413, "request body not accepted");
        if (ec) return send_error(400, "bad request");
        const auto& req = m_parser->get();
        if (req.method() != http::verb::get && req.method() != http::verb::head) {
            auto res = make(405, text_body("only GET and HEAD: this server is read-only"),
                            req.version(), false);
            res.set(http::field::allow, "GET, HEAD");
            return write(std::move(res));
        }
        const auto enc = req[http::field::accept_encoding];
        const bool deflate = enc.find("deflate") != beast::string_view::npos;
        const Reply reply =
            route(m_catalogue, m_options.viewer_dir,
                  std::string_view(req.target().data(), req.target().size()), deflate);
        http::response<http::string_body> res{static_cast<http::status>(reply.status),
                                              req.version()};
        res.set(http::field::server, "ntmsim");
        res.set(http::field::content_type, reply.content_type);
        res.set(http::field::cache_control, "no-cache");
        res.set(http::field::vary, "Accept-Encoding");
        res.set("X-Content-Type-Options", "nosniff");
        if (reply.deflated) res.set(http::field::content_encoding, "deflate");
        res.keep_alive(req.keep_alive());
        if (req.method() == http::verb::head) {
            res.content_length(reply.body->size());
        } else {
            res.body() = *reply.body;
            res.prepare_payload();
        }
        write(std::move(res));
    }

    static std::string text_body(const std::string& s) { return s + "\n"; }

    http::response<http::string_body> make(unsigned status, std::string body, unsigned version,
                                           bool keep_alive) {
        http::response<http::string_body> res{static_cast<http::status>(status), version};
        res.set(http::field::server, "ntmsim");
        res.set(http::field::content_type, "text/plain; charset=utf-8");
        res.body() = std::move(body);
        res.keep_alive(keep_alive);
        res.prepare_payload();
        return res;
    }

    // After a request the parser could not take, answer and close: the rest of the stream is junk.
    void send_error(unsigned status, const std::string& text) {
        write(make(status, text_body(text), 11, false));
    }

    void write(http::response<http::string_body>&& res) {
        auto sp = std::make_shared<http::response<http::string_body>>(std::move(res));
        m_stream.expires_after(m_options.timeout);
        http::async_write(m_stream, *sp,
                          [self = shared_from_this(), sp](beast::error_code ec, std::size_t) {
                              if (ec || !sp->keep_alive()) return self->close();
                              self->read();
                          });
    }

    void close() {
        beast::error_code ec;
        m_stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    }

    beast::tcp_stream m_stream;
    beast::flat_buffer m_buffer;
    std::optional<http::request_parser<http::empty_body>> m_parser;
    ResultsCatalogue& m_catalogue;
    const ServerOptions& m_options;
};

}  // namespace

struct Server::Impl {
    ResultsCatalogue& catalogue;
    ServerOptions options;
    asio::io_context ioc;
    tcp::acceptor acceptor{asio::make_strand(ioc)};
    asio::signal_set signals{ioc};

    Impl(ResultsCatalogue& c, ServerOptions o) : catalogue(c), options(std::move(o)) {}

    void accept() {
        acceptor.async_accept(
            asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
                if (!acceptor.is_open()) return;
                if (!ec) std::make_shared<Session>(std::move(socket), catalogue, options)->start();
                accept();
            });
    }
};

Server::Server(ResultsCatalogue& catalogue, ServerOptions options)
    : m_impl(std::make_unique<Impl>(catalogue, std::move(options))) {
    auto& o = m_impl->options;
    beast::error_code ec;
    const auto address = asio::ip::make_address(o.host, ec);
    if (ec)
        throw UsageError("--host '" + o.host +
                         "' is not an IP address; give e.g. 127.0.0.1 (this machine only) or "
                         "0.0.0.0 (every network interface)");
    const tcp::endpoint endpoint(address, o.port);
    auto& a = m_impl->acceptor;
    a.open(endpoint.protocol(), ec);
    if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) a.bind(endpoint, ec);
    if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
        throw UsageError("cannot listen on " + o.host + ":" + std::to_string(o.port) + " (" +
                         ec.message() + "); choose another --port, or 0 for any free one");
}

Server::~Server() = default;

unsigned short Server::port() const { return m_impl->acceptor.local_endpoint().port(); }

std::string Server::url() const {
    const std::string host = m_impl->options.host.find(':') != std::string::npos
                                 ? "[" + m_impl->options.host + "]"
                                 : m_impl->options.host;
    return "http://" + host + ":" + std::to_string(port()) + "/";
}

void Server::run() {
    auto& impl = *m_impl;
    if (impl.options.handle_signals) {
        impl.signals.add(SIGINT);
        impl.signals.add(SIGTERM);
        impl.signals.async_wait([this](beast::error_code ec, int) {
            if (!ec) stop();
        });
    }
    impl.accept();
    int n = impl.options.threads > 0 ? impl.options.threads
                                     : static_cast<int>(std::thread::hardware_concurrency());
    n = std::max(n, 2);
    std::vector<std::thread> pool;
    for (int i = 1; i < n; ++i) pool.emplace_back([&impl] { impl.ioc.run(); });
    impl.ioc.run();
    for (auto& t : pool) t.join();
}

void Server::stop() {
    auto& impl = *m_impl;
    asio::post(impl.acceptor.get_executor(), [&impl] {
        beast::error_code ec;
        impl.acceptor.close(ec);
        impl.signals.cancel(ec);
        impl.ioc.stop();
    });
}

}  // namespace ntm::serve
