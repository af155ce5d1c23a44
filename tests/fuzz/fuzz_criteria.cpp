// The criteria-set reader on arbitrary YAML.
#include "criteria/criteria_set.h"
#include "fuzz_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto path = ntm::fuzz::put("criteria.yaml", {reinterpret_cast<const char*>(data), size});
    ntm::fuzz::expect_clear([&] { (void)ntm::criteria::load_criteria_set(path); });
    return 0;
}
