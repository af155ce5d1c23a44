// `ntmsim serve`'s server, in process on a free loopback port, against two Can Lộc scenarios
// simulated once: what /api/ returns agrees with the CSV tables read back through GDAL; bad paths
// (also %-encoded), oversized headers, bodies and unknown paths are refused with the right status;
// many clients at once get the same bytes; stop() ends run() with connections still open.
#include <cpl_conv.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <future>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "core/error.h"
#include "core/text.h"
#include "geo/gdal.h"
#include "serve/catalogue.h"
#include "serve/server.h"
#include "support/fixtures.h"
#include "support/run.h"
#include "test_paths.h"

namespace ntm {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace fs = std::filesystem;
using tcp = asio::ip::tcp;
using nlohmann::json;

struct Answer {
    unsigned status = 0;
    std::string body;
    std::string encoding, type;
};

// One request on its own connection.
Answer get(unsigned short port, const std::string& target,
           const std::vector<std::pair<std::string, std::string>>& headers = {},
           http::verb verb = http::verb::get, const std::string& body = "") {
    asio::io_context ioc;
    tcp::socket socket(ioc);
    socket.connect({asio::ip::make_address("127.0.0.1"), port});
    http::request<http::string_body> req{verb, target, 11};
    req.set(http::field::host, "127.0.0.1");
    for (const auto& [k, v] : headers) req.set(k, v);
    if (!body.empty()) {
        req.body() = body;
        req.prepare_payload();
    }
    http::write(socket, req);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> res;
    res.body_limit(64 * 1024 * 1024);
    beast::error_code ec;
    http::read(socket, buffer, res, ec);
    if (ec) return {};
    Answer a;
    a.status = res.get().result_int();
    a.body = res.get().body();
    a.encoding = std::string(res.get()[http::field::content_encoding]);
    a.type = std::string(res.get()[http::field::content_type]);
    return a;
}

// The rows of a CSV table, as column → text, read by GDAL.
std::vector<std::map<std::string, std::string>> csv_rows(const std::string& path) {
    auto src = geo::VectorSource::open(path, {"AUTODETECT_TYPE=NO"});
    auto layer = src.layer(0);
    std::vector<std::map<std::string, std::string>> rows;
    geo::Feature f;
    while (layer.next(f)) {
        std::map<std::string, std::string> row;
        for (std::size_t i = 0; i < layer.field_names().size(); ++i)
            row[layer.field_names()[i]] = f.values[i].value_or("");
        rows.push_back(std::move(row));
    }
    return rows;
}

class Serve : public ::testing::Test {
 protected:
    static void SetUpTestSuite() {
        s_dir = new test::TempDir("serve");
        const std::string root = test::kSourceDir;
        // Results two levels down, as `ntmsim run` leaves them (out/scenarios/<scenario>/).
        const auto r = test::run(
            std::string(test::kNtmsim) + " simulate " + test::quote(root + "/datasets/canloc") +
            " " + test::quote(root + "/scenarios/canloc/targets-first.yaml") + " " +
            test::quote(root + "/scenarios/canloc/baseline.yaml") + " --draws 100 -o " +
            test::quote(*s_dir / "out/scenarios") + " 2>/dev/null");
        ASSERT_EQ(r.exit_code, 0) << r.out;
        fs::create_directories(*s_dir / "viewer");
        test::write_text(*s_dir / "viewer/index.html", "<!doctype html><title>viewer</title>");
        test::write_text(*s_dir / "secret.txt", "not to be served");
        // Links in the viewer folder: one out of it (never followed), one inside it (served).
        fs::create_symlink(*s_dir / "secret.txt", *s_dir / "viewer/passwd.txt");
        fs::create_symlink("index.html", *s_dir / "viewer/inside.html");
        s_catalogue = new serve::ResultsCatalogue(*s_dir / "out");
        serve::ServerOptions o;
        o.port = 0;
        o.viewer_dir = *s_dir / "viewer";
        o.threads = 4;
        s_server = new serve::Server(*s_catalogue, o);
        s_running = std::async(std::launch::async, [] { s_server->run(); });
    }
    static void TearDownTestSuite() {
        if (s_server) {
            s_server->stop();
            s_running.wait();
        }
        delete s_server;
        delete s_catalogue;
        delete s_dir;
    }
    static unsigned short port() { return s_server->port(); }
    static std::string results(const std::string& s) { return *s_dir / ("out/scenarios/" + s); }

    static test::TempDir* s_dir;
    static serve::ResultsCatalogue* s_catalogue;
    static serve::Server* s_server;
    static std::future<void> s_running;
};
test::TempDir* Serve::s_dir = nullptr;
serve::ResultsCatalogue* Serve::s_catalogue = nullptr;
serve::Server* Serve::s_server = nullptr;
std::future<void> Serve::s_running;

TEST(CleanPath, RefusesTraversalInAnySpelling) {
    EXPECT_EQ(serve::clean_path("/"), "/");
    EXPECT_EQ(serve::clean_path("/api/values/baseline.json?x=1"), "/api/values/baseline.json");
    EXPECT_EQ(serve::clean_path("/api/commune/baseline/18%2001.json"),
              "/api/commune/baseline/18 01.json");
    for (const char* bad :
         {"/../etc/passwd", "/a/../../b", "/%2e%2e/etc/passwd", "/%2E%2E%2fetc", "/a/%2e/b",
          "/a//b", "/a\\..\\b", "/a%5c..", "/a%00b", "/a%zz", "/a%2", "relative", ""})
        EXPECT_FALSE(serve::clean_path(bad)) << bad;
}

TEST_F(Serve, IndexListsTheScenariosBaselineFirstWithTheCriteriaSet) {
    const auto a = get(port(), "/api/index.json");
    ASSERT_EQ(a.status, 200u);
    EXPECT_EQ(a.type.rfind("application/json", 0), 0u);
    const auto j = json::parse(a.body);
    ASSERT_EQ(j["scenarios"].size(), 2u);
    EXPECT_EQ(j["scenarios"][0]["id"], "baseline");
    EXPECT_EQ(j["scenarios"][1]["id"], "targets-first");
    EXPECT_TRUE(j["basemap"].is_null());
    // The set's criteria are those criteria.csv reports on.
    std::set<std::string> in_csv;
    for (const auto& row : csv_rows(results("baseline") + "/criteria.csv"))
        in_csv.insert(row.at("criterion"));
    const auto& set = j["criteria_sets"][std::string(j["scenarios"][0]["criteria"])];
    std::set<std::string> served;
    for (const auto& c : set["criteria"]) {
        served.insert(c["id"]);
        EXPECT_FALSE(std::string(c["vi"]).empty());
        EXPECT_FALSE(std::string(c["en"]).empty());
    }
    EXPECT_EQ(served, in_csv);
}

TEST_F(Serve, ValuesAgreeWithCommunesCsv) {
    const auto j = json::parse(get(port(), "/api/values/targets-first.json").body);
    const auto rows = csv_rows(results("targets-first") + "/communes.csv");
    const int start = j["start"];
    std::map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < j["communes"]["code"].size(); ++i)
        index[j["communes"]["code"][i]] = i;
    ASSERT_EQ(rows.size(), index.size() * static_cast<std::size_t>(int(j["end"]) - start + 1));
    for (const auto& row : rows) {
        const std::size_t i = index.at(row.at("code"));
        const auto y = static_cast<std::size_t>(*parse_int(row.at("year")) - start);
        EXPECT_NEAR(double(j["communes"]["p"][i][y]), *parse_double(row.at("p_standard_by_year")),
                    0.0005 + 1e-12)
            << row.at("code");
        EXPECT_NEAR(double(j["communes"]["met"][i][y]), *parse_double(row.at("criteria_met_mean")),
                    0.0005 + 1e-12);
    }
    // The median year: the first year with P ≥ 0.5, from the CSV's own numbers.
    for (const auto& [code, i] : index) {
        json expect = nullptr;
        for (const auto& row : rows)
            if (row.at("code") == code && *parse_double(row.at("p_standard_by_year")) >= 0.5 &&
                (expect.is_null() || *parse_int(row.at("year")) < int(expect)))
                expect = *parse_int(row.at("year"));
        EXPECT_EQ(j["communes"]["median"][i], expect) << code;
    }
}

TEST_F(Serve, AreaIsOneWgs84FeaturePerCommuneOfTheResults) {
    const auto a = get(port(), "/api/area/baseline.geojson");
    ASSERT_EQ(a.status, 200u);
    const auto j = json::parse(a.body);
    auto src = geo::VectorSource::open(results("baseline") + "/results.gpkg");
    EXPECT_EQ(static_cast<long long>(j["features"].size()), src.layer("communes").feature_count());
    // Can Lộc lies near 105.7° E, 18.4° N: every vertex must be there, in longitude, latitude
    // order.
    std::size_t vertices = 0;
    for (const auto& f : j["features"]) {
        EXPECT_FALSE(std::string(f["properties"]["code"]).empty());
        const bool multi = f["geometry"]["type"] == "MultiPolygon";
        ASSERT_TRUE(multi || f["geometry"]["type"] == "Polygon") << f["geometry"]["type"];
        const json polygons =
            multi ? f["geometry"]["coordinates"] : json::array({f["geometry"]["coordinates"]});
        for (const auto& poly : polygons)
            for (const auto& ring : poly)
                for (const auto& p : ring) {
                    ++vertices;
                    EXPECT_GT(double(p[0]), 105.4);
                    EXPECT_LT(double(p[0]), 106.1);
                    EXPECT_GT(double(p[1]), 18.2);
                    EXPECT_LT(double(p[1]), 18.7);
                }
    }
    EXPECT_GT(vertices, j["features"].size() * 4);
}

TEST_F(Serve, CommuneHasEveryCriterionAndItsProjects) {
    // An assessed commune (townships have candidate works but no forecast) with candidate works.
    std::set<std::string> assessed;
    for (const auto& row : csv_rows(results("baseline") + "/communes.csv"))
        assessed.insert(row.at("code"));
    const auto rows = csv_rows(results("baseline") + "/assets.csv");
    const auto first = std::find_if(
        rows.begin(), rows.end(), [&](const auto& r) { return assessed.count(r.at("code")) > 0; });
    ASSERT_NE(first, rows.end());
    const std::string code = first->at("code");
    std::size_t n_projects = 0;
    double cost = 0;
    for (const auto& row : rows)
        if (row.at("code") == code) {
            ++n_projects;
            cost += *parse_double(row.at("cost_bn"));
        }
    const auto j = json::parse(get(port(), "/api/commune/baseline/" + code + ".json").body);
    EXPECT_EQ(j["code"], code);
    std::set<std::string> crits;
    for (const auto& row : csv_rows(results("baseline") + "/criteria.csv"))
        if (row.at("code") == code) crits.insert(row.at("criterion"));
    ASSERT_EQ(j["criteria"].size(), crits.size());
    for (const auto& c : j["criteria"]) {
        EXPECT_TRUE(crits.count(c["id"]));
        EXPECT_EQ(c["p"].size(), j["years"].size());
    }
    ASSERT_EQ(j["projects"].size(), n_projects);
    double served_cost = 0;
    for (const auto& p : j["projects"]) served_cost += double(p["cost_bn"]);
    EXPECT_NEAR(served_cost, cost, 0.0005 * static_cast<double>(n_projects) + 1e-9);
    EXPECT_EQ(get(port(), "/api/commune/baseline/no-such-code.json").status, 404u);
}

TEST_F(Serve, PlanLayersAreServedAndOthersAreNot) {
    const auto j = json::parse(get(port(), "/api/plan/baseline/road_plan.geojson").body);
    auto src = geo::VectorSource::open(results("baseline") + "/results.gpkg");
    EXPECT_EQ(static_cast<long long>(j["features"].size()), src.layer("road_plan").feature_count());
    EXPECT_EQ(get(port(), "/api/plan/baseline/summary.geojson").status, 404u);
    EXPECT_EQ(get(port(), "/api/plan/baseline/gpkg_contents.geojson").status, 404u);
}

TEST_F(Serve, DeflatedWhenAskedAndTheSameBytesInflated) {
    const auto plain = get(port(), "/api/area/baseline.geojson");
    const auto packed =
        get(port(), "/api/area/baseline.geojson", {{"Accept-Encoding", "gzip, deflate"}});
    ASSERT_EQ(packed.encoding, "deflate");
    EXPECT_TRUE(plain.encoding.empty());
    ASSERT_LT(packed.body.size(), plain.body.size());
    std::string out(plain.body.size() + 16, '\0');
    size_t n = 0;
    ASSERT_NE(CPLZLibInflate(packed.body.data(), packed.body.size(), out.data(), out.size(), &n),
              nullptr);
    out.resize(n);
    EXPECT_EQ(out, plain.body);
}

TEST_F(Serve, StaticFilesOnlyFromTheViewerFolder) {
    EXPECT_EQ(get(port(), "/").body, "<!doctype html><title>viewer</title>");
    EXPECT_EQ(get(port(), "/index.html").type, "text/html; charset=utf-8");
    for (const char* bad : {"/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt",
                            "/api/values/..%2f..%2fsecret.txt", "/..%5csecret.txt"}) {
        const auto a = get(port(), bad);
        EXPECT_EQ(a.status, 400u) << bad;
        EXPECT_EQ(a.body.find("not to be served"), std::string::npos) << bad;
    }
    EXPECT_EQ(get(port(), "/no-such-file.js").status, 404u);
    EXPECT_EQ(get(port(), "/api/values/no-such-scenario.json").status, 404u);
    EXPECT_EQ(get(port(), "/api/nothing").status, 404u);
}

TEST_F(Serve, NeverFollowsALinkOutOfTheViewerFolder) {
    const auto out = get(port(), "/passwd.txt");
    EXPECT_EQ(out.status, 404u);
    EXPECT_EQ(out.body.find("not to be served"), std::string::npos);
    EXPECT_EQ(get(port(), "/inside.html").body, "<!doctype html><title>viewer</title>");
}

TEST_F(Serve, RefusesOversizedRequestsAndWrites) {
    EXPECT_EQ(get(port(), "/", {{"X-Padding", std::string(16 * 1024, 'x')}}).status, 431u);
    EXPECT_EQ(get(port(), "/index.html", {}, http::verb::get, std::string(2048, 'b')).status, 413u);
    EXPECT_EQ(get(port(), "/index.html", {}, http::verb::post).status, 405u);
    EXPECT_EQ(get(port(), "/index.html", {}, http::verb::delete_).status, 405u);
    // And it still serves afterwards.
    EXPECT_EQ(get(port(), "/").status, 200u);
}

TEST_F(Serve, ManyClientsAtOnceGetTheSameBytes) {
    const std::string expect = get(port(), "/api/values/baseline.json").body;
    ASSERT_FALSE(expect.empty());
    constexpr int kClients = 24, kEach = 8;
    std::atomic<int> same{0};
    std::vector<std::thread> clients;
    for (int c = 0; c < kClients; ++c)
        clients.emplace_back([&] {
            // Several requests on one kept-alive connection per client.
            asio::io_context ioc;
            tcp::socket socket(ioc);
            socket.connect({asio::ip::make_address("127.0.0.1"), port()});
            beast::flat_buffer buffer;
            for (int k = 0; k < kEach; ++k) {
                http::request<http::empty_body> req{http::verb::get, "/api/values/baseline.json",
                                                    11};
                req.set(http::field::host, "127.0.0.1");
                http::write(socket, req);
                http::response<http::string_body> res;
                http::read(socket, buffer, res);
                if (res.result_int() == 200 && res.body() == expect) ++same;
            }
        });
    for (auto& t : clients) t.join();
    EXPECT_EQ(same.load(), kClients * kEach);
}

// Last in the file: stops the shared server.
TEST_F(Serve, StopEndsRunWithAConnectionStillOpen) {
    asio::io_context ioc;
    tcp::socket idle(ioc);
    idle.connect({asio::ip::make_address("127.0.0.1"), port()});  // keep-alive, never sends
    const auto p = port();
    s_server->stop();
    ASSERT_EQ(s_running.wait_for(std::chrono::seconds(10)), std::future_status::ready);
    tcp::socket late(ioc);
    beast::error_code ec;
    late.connect({asio::ip::make_address("127.0.0.1"), p}, ec);
    EXPECT_TRUE(ec) << "still accepting after stop()";
    delete s_server;
    s_server = nullptr;
}

TEST(ServeCatalogue, SaysWhatIsMissing) {
    test::TempDir dir("serve-empty");
    try {
        serve::ResultsCatalogue c(dir.path().string());
        FAIL() << "an empty folder was accepted";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("ntmsim run"), std::string::npos) << e.what();
    }
    EXPECT_THROW(serve::ResultsCatalogue{(dir.path() / "nope").string()}, InputError);
}

TEST(ServeCatalogue, HalfARoadmapIsNotServed) {
    test::TempDir dir("serve-half-roadmap");
    fs::create_directories(dir.path() / "plan");
    test::write_text(dir.path() / "plan/roadmap.csv", "commune_code,commune,year\n");
    try {
        serve::ResultsCatalogue c(dir.path().string());
        FAIL() << "a roadmap without works.gpkg was accepted";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("roadmap folders (with roadmap.csv and works.gpkg)"),
                  std::string::npos)
            << e.what();
        EXPECT_NE(std::string(e.what()).find("ntmsim plan"), std::string::npos) << e.what();
    }
}

// A roadmap folder served alone: what /api/roadmap/ returns agrees with roadmap.csv read back
// through GDAL, and works.geojson holds one WGS 84 feature per work with a place.
TEST(ServeCatalogue, RoadmapAloneAgreesWithRoadmapCsv) {
    test::TempDir dir("serve-roadmap");
    const std::string root = test::kSourceDir;
    const auto r =
        test::run(std::string(test::kNtmsim) + " plan " + test::quote(root + "/datasets/canloc") +
                  " " + test::quote(root + "/scenarios/canloc/district-plan.yaml") +
                  " --time-limit 5 -o " + test::quote(dir.path() / "plan") + " 2>&1");
    ASSERT_EQ(r.exit_code, 0) << r.out;
    serve::ResultsCatalogue c((dir.path() / "plan").string());
    EXPECT_TRUE(c.scenarios().empty());
    ASSERT_EQ(c.roadmaps(), std::vector<std::string>{"plan"});
    const auto rows = csv_rows((dir.path() / "plan/roadmap.csv").string());
    ASSERT_FALSE(rows.empty());
    double total = 0;
    std::set<std::string> placed;
    std::map<std::string, std::map<std::string, double>> money;  // commune → source → bn
    for (const auto& row : rows) {
        const double cost = *parse_double(row.at("cost_bn"));
        total += cost;
        money[row.at("commune_code")][row.at("source")] += cost;
        if (!row.at("layer").empty())
            placed.insert(row.at("commune_code") + "/" + row.at("layer") + "/" + row.at("fid"));
    }
    const auto index = json::parse(c.get("index.json")->body);
    ASSERT_EQ(index["roadmaps"].size(), 1u);
    const auto& info = index["roadmaps"][0];
    EXPECT_EQ(info["id"], "plan");
    EXPECT_TRUE(info["area"].is_null());
    EXPECT_NEAR(info["total_bn"].get<double>(), total, 1e-3);
    EXPECT_TRUE(info["all_met"].is_boolean()) << "the targets were not read from roadmap.xlsx";
    EXPECT_GT(info["targets"].get<int>(), 0);

    const auto works = json::parse(c.get("roadmap/plan/works.geojson")->body);
    EXPECT_EQ(works["features"].size(), placed.size());
    for (const auto& f : works["features"]) {
        const auto& p = f["properties"];
        EXPECT_TRUE(placed.count(p["commune_code"].get<std::string>() + "/" +
                                 p["layer"].get<std::string>() + "/" +
                                 std::to_string(p["src_fid"].get<long long>())));
        // Can Lộc lies near 105.7° E, 18.4° N: WGS 84, not the area's metres.
        const auto& g = f["geometry"];
        const auto& first = g["type"] == "Point" ? g["coordinates"] : g["coordinates"][0];
        EXPECT_NEAR(first[0].get<double>(), 105.7, 0.5);
        EXPECT_NEAR(first[1].get<double>(), 18.4, 0.5);
    }

    const auto summary = json::parse(c.get("roadmap/plan/summary.json")->body);
    EXPECT_EQ(summary["communes"].size(), money.size());
    for (const auto& commune : summary["communes"]) {
        const auto& want = money.at(commune["code"].get<std::string>());
        EXPECT_EQ(commune["money"].size(), want.size());
        for (const auto& [source, bn] : want) {
            double got = 0;
            for (const auto& v : commune["money"][source]) got += v.get<double>();
            EXPECT_NEAR(got, bn, 1e-3) << commune["code"] << " " << source;
        }
    }
    for (const auto& t : summary["targets"])
        EXPECT_EQ(t["met"].get<bool>(), t["why"].is_null()) << t.dump();
    EXPECT_EQ(c.get("roadmap/nope/summary.json"), nullptr);
    EXPECT_EQ(c.get("roadmap/plan/other.json"), nullptr);
}

}  // namespace
}  // namespace ntm
