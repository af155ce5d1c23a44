// The scenario reader on arbitrary YAML (criteria sets it names are looked up by name only).
#include "fuzz_file.h"
#include "scenario/scenario.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto path = ntm::fuzz::put("scenario.yaml", {reinterpret_cast<const char*>(data), size});
    ntm::fuzz::expect_clear([&] { (void)ntm::scenario::load_scenario(path); });
    return 0;
}
