#pragma once
// area.yaml: how a user's files map onto ntmsim's layers, fields and values.
//
//   name: Can Lộc
//   source: canloc.gpkg          # default source of every layer (relative to this file)
//   crs: EPSG:3405               # CRS of layers that carry none (CSV, XLSX)
//   working_crs: EPSG:3405       # force the working CRS (else: the data's own if metric, else UTM)
//   layers:
//     communes:
//       source: communes.shp     # else `source` above, else a file named after the layer
//       layer: xa                # layer inside the source; else the same name or the only layer
//       open_options: [ENCODING=UTF-8]
//       fields: {code: MA_XA, name: TEN_XA}
//       values: {region: {"Bắc Trung Bộ": BTB}}
//       defaults: {region: BTB, district: Can Lộc}
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ntm::io {

struct LayerMapping {
    std::optional<std::string> source;  // absolute path once resolved
    std::optional<std::string> layer;
    std::vector<std::string> open_options;
    std::map<std::string, std::string> fields;                         // ours → theirs
    std::map<std::string, std::map<std::string, std::string>> values;  // field → theirs → ours
    std::map<std::string, std::string> defaults;                       // field → value
};

struct Manifest {
    std::string path;  // the area.yaml, or empty when there is none
    std::string base_dir;
    std::optional<std::string> name;
    std::optional<std::string> source;
    std::optional<std::string> crs;
    std::optional<std::string> working_crs;
    std::map<std::string, LayerMapping> layers;  // by our layer name
};

// Reads an area.yaml; throws ConfigError with file, line and key on a bad one.
Manifest read_manifest(const std::string& path);

}  // namespace ntm::io
