#pragma once
// A CSV table written through GDAL (quoting, a .csvt of column types), atomically on close().
#include <filesystem>
#include <string>
#include <vector>

#include "geo/gdal.h"

namespace ntm::report {

class CsvTable {
 public:
    CsvTable(const std::string& path, std::vector<geo::FieldDef> fields)
        : m_sink(geo::VectorSink::create(path, "CSV")),
          m_writer(m_sink.create_layer(std::filesystem::path(path).stem().string(), nullptr,
                                       geo::GeomKind::None, false, std::move(fields))) {}
    void row(const std::vector<geo::FieldValue>& v) { m_writer.write(v, nullptr); }
    void close() { m_sink.commit(); }

 private:
    geo::VectorSink m_sink;
    geo::LayerWriter m_writer;
};

}  // namespace ntm::report
