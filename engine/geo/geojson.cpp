#include "geo/geojson.h"

#include <cpl_conv.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <gdal_priv.h>
#include <gdal_utils.h>
#include <ogrsf_frmts.h>

#include <atomic>
#include <cstdio>
#include <memory>

#include "core/error.h"
#include "geo/gdal.h"

namespace ntm::geo {

namespace {

std::string gdal_message() {
    const char* m = CPLGetLastErrorMsg();
    return (m && *m) ? std::string(m) : std::string("no detail from GDAL");
}

// A /vsimem/ file name no other thread uses.
std::string memory_file_name() {
    static std::atomic<unsigned long long> counter{0};
    return "/vsimem/ntm_geojson_" + std::to_string(counter.fetch_add(1)) + ".json";
}

}  // namespace

std::string layer_to_geojson(const std::string& path, const std::string& layer,
                             const GeoJsonOptions& options) {
    ensure_gdal();
    const std::string where = path + ", layer '" + layer + "'";
    GDALDatasetUniquePtr src(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    if (!src) throw InputError(path + ": cannot open (" + gdal_message() + ")");
    OGRLayer* lyr = src->GetLayerByName(layer.c_str());
    if (!lyr) throw InputError(where + ": no such layer; was the file written by ntmsim simulate?");
    const OGRSpatialReference* srs = lyr->GetSpatialRef();
    if (!srs)
        throw InputError(
            where +
            ": the layer has no coordinate reference system, so it cannot be shown on a map");

    CPLStringList argv;
    for (const char* a :
         {"-f", "GeoJSON", "-t_srs", "EPSG:4326", "-lco", "RFC7946=YES", "-lco", "WRITE_BBOX=NO"})
        argv.AddString(a);
    argv.AddString("-lco");
    argv.AddString(("COORDINATE_PRECISION=" + std::to_string(options.precision)).c_str());
    if (!options.fields.empty()) {
        std::string list;
        for (const auto& f : options.fields) {
            if (lyr->GetLayerDefn()->GetFieldIndex(f.c_str()) < 0)
                throw InputError(where + ": no field '" + f +
                                 "'; was the file written by this version of ntmsim?");
            list += (list.empty() ? "" : ",") + f;
        }
        argv.AddString("-select");
        argv.AddString(list.c_str());
    }
    if (options.simplify > 0 && srs->IsProjected()) {
        char tol[64];
        std::snprintf(tol, sizeof tol, "%.17g", options.simplify);
        argv.AddString("-simplify");
        argv.AddString(tol);
    }
    argv.AddString(layer.c_str());
    std::unique_ptr<GDALVectorTranslateOptions, void (*)(GDALVectorTranslateOptions*)> opts(
        GDALVectorTranslateOptionsNew(argv.List(), nullptr), GDALVectorTranslateOptionsFree);
    if (!opts)
        throw Error(ErrorKind::Gdal,
                    where + ": bad GeoJSON translation options (" + gdal_message() + ")");

    const std::string out = memory_file_name();
    GDALDatasetH src_handle = GDALDataset::ToHandle(src.get());
    int usage_error = 0;
    GDALDatasetH dst =
        GDALVectorTranslate(out.c_str(), nullptr, 1, &src_handle, opts.get(), &usage_error);
    if (!dst) {
        VSIUnlink(out.c_str());
        throw GdalError(where + ": cannot convert to GeoJSON (" + gdal_message() + ")");
    }
    GDALClose(dst);
    vsi_l_offset size = 0;
    GByte* bytes = VSIGetMemFileBuffer(out.c_str(), &size, FALSE);
    std::string text =
        bytes ? std::string(reinterpret_cast<const char*>(bytes), static_cast<std::size_t>(size))
              : std::string();
    VSIUnlink(out.c_str());
    if (text.empty()) throw GdalError(where + ": GDAL wrote no GeoJSON");
    return text;
}

std::string zlib_deflate(const std::string& data) {
    size_t out_size = 0;
    // With no output buffer given, GDAL allocates one (freed with VSIFree).
    void* out = CPLZLibDeflate(data.data(), data.size(), 6, nullptr, 0, &out_size);
    if (!out)
        throw GdalError("cannot compress " + std::to_string(data.size()) + " bytes (" +
                        gdal_message() + ")");
    std::string result(static_cast<const char*>(out), out_size);
    VSIFree(out);
    return result;
}

}  // namespace ntm::geo
