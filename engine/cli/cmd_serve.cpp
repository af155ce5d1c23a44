#include <atomic>
#include <boost/program_options.hpp>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "cli/commands.h"
#include "cli/common.h"
#include "core/data_dir.h"
#include "core/error.h"
#include "core/progress.h"
#include "serve/catalogue.h"
#include "serve/server.h"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace ntm::cli {

void print_viewer_command(const std::string& outdir) {
    // The program as the user can type it from here: ./build/release/ntmsim after README's command.
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    std::string program = "ntmsim";
    if (!ec) {
        const fs::path rel = fs::relative(exe, fs::current_path(), ec);
        if (!ec && !rel.empty())
            program = rel.string().rfind("..", 0) == 0 ? exe.string() : "./" + rel.string();
    }
    std::printf(
        "\nexplore the results in a browser: %s serve %s  (then open http://127.0.0.1:8080/)\n",
        program.c_str(), outdir.c_str());
}

int cmd_serve(const Args& args) {
    po::options_description opts(
        "ntmsim serve OUTDIR [--port 8080] [--host 127.0.0.1]\n\n"
        "Serves the web viewer and the results in OUTDIR (every folder written by `ntmsim "
        "simulate`\n"
        "or `ntmsim plan` in it or two levels below, e.g. out/ after `ntmsim run -o out`), "
        "read-only,\n"
        "until Ctrl-C.\n"
        "Open the printed address in a browser: communes coloured by P(standard by year), "
        "criteria\n"
        "met or expected year, a year slider, two scenarios side by side, a commune's criteria,\n"
        "probability curve and projects, planned roads, canals and schools, funds by source; a\n"
        "roadmap's works by year (Roadmap layer) and its money by source per commune.\n"
        "It listens on this machine only (127.0.0.1) unless --host says otherwise, e.g. --host\n"
        "0.0.0.0 to let other computers of the network open it. Results are read once: restart it\n"
        "after a new run.\n\nOptions");
    std::string outdir, host = "127.0.0.1", viewer, basemap;
    int port = 8080, threads = 0;
    opts.add_options()("help,h", "show this help")("port", po::value(&port),
                                                   "TCP port (default 8080; 0: any free port)")(
        "host", po::value(&host), "address to listen on (default 127.0.0.1: this machine only)")(
        "basemap", po::value(&basemap),
        "a raster tile URL to draw under the communes, e.g. "
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png "
        "(default: none, works offline)")(
        "viewer", po::value(&viewer),
        "the built viewer folder (default: viewer/dist of the data folder)")(
        "threads", po::value(&threads),
        "threads answering requests (default: the number of cores)");
    po::variables_map vm;
    if (!parse_args(args, opts, "outdir", po::value(&outdir), 1, vm)) return kExitOk;
    if (outdir.empty()) throw UsageError("give the output folder: ntmsim serve out");
    if (port < 0 || port > 65535)
        throw UsageError("--port " + std::to_string(port) + " is not a TCP port (0 to 65535)");
    if (threads < 0 || threads > 1024)
        throw UsageError("--threads " + std::to_string(threads) +
                         ": give 1 to 1024, or leave it out");
    serve::CatalogueOptions copts;
    copts.basemap = basemap;
    serve::ResultsCatalogue catalogue(outdir, copts);
    if (viewer.empty()) viewer = (fs::path(data_dir()) / "viewer" / "dist").string();
    if (!fs::is_regular_file(fs::path(viewer) / "index.html"))
        throw UsageError(
            viewer +
            ": the viewer is not built (no index.html); build it with `bash viewer/build.sh` "
            "(README's first command does), or point --viewer at a built one");
    serve::ServerOptions sopts;
    sopts.host = host;
    sopts.port = static_cast<unsigned short>(port);
    sopts.viewer_dir = viewer;
    sopts.threads = threads;
    sopts.handle_signals = true;
    serve::Server server(catalogue, sopts);
    const auto ids = catalogue.scenarios();
    const auto roadmaps = catalogue.roadmaps();
    const std::string scenarios_found =
        std::to_string(ids.size()) + (ids.size() == 1 ? " scenario" : " scenarios");
    const std::string roadmaps_found =
        std::to_string(roadmaps.size()) + (roadmaps.size() == 1 ? " roadmap" : " roadmaps");
    const std::string what = roadmaps.empty() ? scenarios_found
                             : ids.empty()    ? roadmaps_found
                                              : scenarios_found + " and " + roadmaps_found;
    std::printf("ntmsim serve: %s from %s\n", what.c_str(), outdir.c_str());
    if (host != "127.0.0.1" && host != "::1")
        note("listening on " + host + ": other computers that reach this one can open the viewer");
    std::printf("open %s in a browser (Ctrl-C stops)\n", server.url().c_str());
    std::fflush(stdout);
    // Large areas: read ahead what the first page and the first click need.
    struct Warm {
        std::atomic<bool> stop{false};
        std::thread thread;
        ~Warm() {
            stop = true;
            if (thread.joinable()) thread.join();
        }
    } warm;
    warm.thread = std::thread([&] { catalogue.warm(warm.stop); });
    server.run();
    std::printf("ntmsim serve: stopped\n");
    return kExitOk;
}

}  // namespace ntm::cli
