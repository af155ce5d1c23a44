// Micro-benchmarks of the hot kernels, with fixed seeds; items/s is the figure to compare.
// Build with the `bench` preset: cmake --preset bench && cmake --build --preset bench
//   ./build/bench/benchmarks/bench_kernels
#include <benchmark/benchmark.h>

#include <map>

#include "core/rng.h"
#include "geo/kernels.h"
#include "indicators/measure.h"
#include "synth/generate.h"

namespace {

const ntm::StudyArea& area_of(int communes) {
    static std::map<int, ntm::StudyArea> cache;
    auto it = cache.find(communes);
    if (it == cache.end()) it = cache.emplace(communes, ntm::synth::generate(ntm::synth::default_recipe(communes, 42))).first;
    return it->second;
}

// Clipping every road of a commune's neighbourhood to the commune polygon.
void BM_ClippedLength(benchmark::State& state) {
    const auto& area = area_of(50);
    const ntm::geo::PolygonClipper clip(area.communes[10].geometry);
    std::vector<const ntm::Road*> near;
    for (const auto& r : area.roads)
        if (bounds(r.geometry).intersects(clip.box())) near.push_back(&r);
    for (auto _ : state) {
        double total = 0;
        for (const auto* r : near) total += clip.clipped_length(r->geometry);
        benchmark::DoNotOptimize(total);
    }
    state.SetItemsProcessed(state.iterations() * static_cast<long long>(near.size()));
}
BENCHMARK(BM_ClippedLength);

// The whole `info` inventory of a generated area, per commune.
void BM_Inventory(benchmark::State& state) {
    const auto& area = area_of(static_cast<int>(state.range(0)));
    for (auto _ : state) benchmark::DoNotOptimize(ntm::indicators::take_inventory(area));
    state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Inventory)->Arg(100)->Unit(benchmark::kMillisecond);

void BM_PhiloxUniform(benchmark::State& state) {
    const ntm::Rng rng(2017);
    std::uint32_t i = 0;
    for (auto _ : state) benchmark::DoNotOptimize(rng.uniform(1, 2, 3, i++));
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PhiloxUniform);

void BM_Generate(benchmark::State& state) {
    for (auto _ : state)
        benchmark::DoNotOptimize(ntm::synth::generate(ntm::synth::default_recipe(static_cast<int>(state.range(0)), 1)));
    state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Generate)->Arg(100)->Unit(benchmark::kMillisecond);

}  // namespace
