// The observed-values CSV reader (calibrate, backtest).
#include "calibrate/observed.h"
#include "fuzz_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto path = ntm::fuzz::put("observed.csv", {reinterpret_cast<const char*>(data), size});
    ntm::fuzz::expect_clear([&] { (void)ntm::calibrate::read_observed(path); });
    return 0;
}
