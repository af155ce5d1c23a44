#pragma once
// What `ntmsim serve` offers under /api/: the results folders (`ntmsim simulate`) and roadmap
// folders (`ntmsim plan`) found in an output folder, turned into the JSON and GeoJSON the viewer
// reads (docs/user-guide.md lists the paths). Everything is
// read from the files on first request and kept in memory, compressed once, for the server's life.
// Thread contract: get() may be called from any number of threads at once.
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace ntm::serve {

struct Payload {
    std::string content_type;
    std::string body;
    std::string deflated;  // the body compressed (zlib), sent to clients that accept it
};
using PayloadPtr = std::shared_ptr<const Payload>;

struct CatalogueOptions {
    std::string basemap;          // optional raster tile URL template for the viewer, {z}/{x}/{y}
    double simplify_metres = 10;  // commune outlines are simplified this much for display
    int precision = 5;            // decimals of longitude and latitude (about a metre)
};

class ResultsCatalogue {
 public:
    // Finds the results folders (those holding run.csv and communes.csv) and the roadmap folders
    // (roadmap.csv and works.gpkg) in `outdir` and in its subfolders, two levels down (`ntmsim
    // run` writes out/scenarios/<scenario>/). A folder holding only one file of a pair is named in
    // a warning and left out. Throws InputError when `outdir` is not a folder or holds neither
    // kind, saying what writes them.
    explicit ResultsCatalogue(std::string outdir, CatalogueOptions options = {});
    ~ResultsCatalogue();

    // Scenario ids (folder names) in the order served.
    std::vector<std::string> scenarios() const;
    // Roadmap ids (folder names) in the order served.
    std::vector<std::string> roadmaps() const;
    // The resource at `path` below /api/ ("index.json", "values/S.json", "area/S.geojson",
    // "plan/S/LAYER.geojson", "commune/S/CODE.json", "roadmap/R/works.geojson",
    // "roadmap/R/summary.json"), or null when there is none. Throws
    // ntm::Error when the files behind it cannot be read.
    PayloadPtr get(const std::string& path);
    // Makes what the viewer asks for first (values and outlines) and then what a click on a
    // commune needs, for every scenario, so that on a large area the first page and the first
    // click do not wait for the files. Meant for a thread of its own; returns soon after `stop`
    // is set. Errors are left for the request that meets them.
    void warm(const std::atomic<bool>& stop);

 private:
    struct Scenario;
    struct Detail;
    struct Roadmap;
    PayloadPtr cached(const std::string& key, const std::function<std::string()>& make,
                      const char* type);
    const Scenario* find(const std::string& id) const;
    std::shared_ptr<const Detail> detail(const Scenario& s,
                                         const std::atomic<bool>* stop = nullptr);
    std::string index_json();
    std::string values_json(const Scenario& s);
    std::string commune_json(const Scenario& s, const std::string& code);
    const Roadmap* find_roadmap(const std::string& id) const;
    std::string roadmap_works(const Roadmap& r);
    std::string roadmap_summary(const Roadmap& r);

    std::string m_outdir;
    CatalogueOptions m_options;
    std::vector<std::unique_ptr<Scenario>> m_scenarios;
    std::vector<std::unique_ptr<Roadmap>> m_roadmaps;
    std::mutex m_mutex;  // guards the two caches below
    std::map<std::string, PayloadPtr> m_cache;
    std::map<std::string, std::shared_ptr<const Detail>> m_details;
};

}  // namespace ntm::serve
