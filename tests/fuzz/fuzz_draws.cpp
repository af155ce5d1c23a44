// The draws.bin reader (export, compare read it back).
#include "fuzz_file.h"
#include "sim/draws.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto path = ntm::fuzz::put("draws.bin", {reinterpret_cast<const char*>(data), size});
    ntm::fuzz::expect_clear([&] { (void)ntm::sim::read_draws(path); });
    return 0;
}
