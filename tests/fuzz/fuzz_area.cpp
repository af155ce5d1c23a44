// The study-area reader on a folder of an area.yaml and a communes.csv (WKT geometries): the
// input is the two files separated by a line "----". Our code is the manifest, the mapping of
// layers and fields, and the checks; GDAL parses the CSV.
#include "fuzz_file.h"
#include "io/load.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view all(reinterpret_cast<const char*>(data), size);
    const auto cut = all.find("\n----\n");
    const auto dir = ntm::fuzz::work_dir() / "area";
    std::filesystem::create_directories(dir);
    ntm::fuzz::put("area/area.yaml", all.substr(0, cut));
    ntm::fuzz::put("area/communes.csv",
                   cut == std::string_view::npos ? std::string_view{} : all.substr(cut + 6));
    ntm::fuzz::expect_clear([&] { (void)ntm::io::load_study_area(dir.string()); });
    return 0;
}
