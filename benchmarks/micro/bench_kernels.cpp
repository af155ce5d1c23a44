// Micro-benchmarks of the hot kernels, with fixed seeds; items/s is the figure to compare.
// Build with the `bench` preset: cmake --preset bench && cmake --build --preset bench
//   ./build/bench/benchmarks/bench_kernels
// benchmarks/run.sh runs them with --benchmark_format=json and puts items/s into BENCHMARKS.md.
#include <benchmark/benchmark.h>

#include <map>

#include "core/data_dir.h"
#include "core/rng.h"
#include "criteria/criteria_set.h"
#include "geo/kernels.h"
#include "indicators/measure.h"
#include "io/load.h"
#include "scenario/scenario.h"
#include "sim/engine.h"
#include "synth/generate.h"

namespace {

const ntm::StudyArea& area_of(int communes) {
    static std::map<int, ntm::StudyArea> cache;
    auto it = cache.find(communes);
    if (it == cache.end())
        it = cache.emplace(communes, ntm::synth::generate(ntm::synth::default_recipe(communes, 42)))
                 .first;
    return it->second;
}

// Clipping every road of a commune's neighbourhood to the commune polygon; items: roads.
void BM_ClipLinesToPolygon(benchmark::State& state) {
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
BENCHMARK(BM_ClipLinesToPolygon);

// Point in polygon (covers), every school of the area against one commune; items: points.
void BM_PointInPolygon(benchmark::State& state) {
    const auto& area = area_of(50);
    const ntm::geo::PolygonClipper clip(area.communes[10].geometry);
    for (auto _ : state) {
        long long inside = 0;
        for (const auto& s : area.schools) inside += clip.contains(s.location) ? 1 : 0;
        benchmark::DoNotOptimize(inside);
    }
    state.SetItemsProcessed(state.iterations() * static_cast<long long>(area.schools.size()));
}
BENCHMARK(BM_PointInPolygon);

// The area with only communes and `what` (the other layers empty), for one measure at a time.
ntm::StudyArea only(const ntm::StudyArea& full, const char* what) {
    ntm::StudyArea a;
    a.crs = full.crs;
    a.communes = full.communes;
    if (std::string(what) == "schools") a.schools = full.schools;
    if (std::string(what) == "served") {
        a.farmland = full.farmland;
        a.canals = full.canals;
    }
    a.rebuild_index();
    return a;
}

// Schools per commune and the nearest standard school from each commune's centroid; items:
// communes.
void BM_NearestSchool(benchmark::State& state) {
    const auto area = only(area_of(static_cast<int>(state.range(0))), "schools");
    for (auto _ : state) benchmark::DoNotOptimize(ntm::indicators::take_inventory(area));
    state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_NearestSchool)->Arg(200)->Unit(benchmark::kMillisecond);

// Farmland served by lined canals, with the marginal credit of every unlined piece (what assess
// does); items: communes.
void BM_ServedFarmland(benchmark::State& state) {
    const auto area = only(area_of(static_cast<int>(state.range(0))), "served");
    for (auto _ : state) benchmark::DoNotOptimize(ntm::indicators::measure_area(area));
    state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ServedFarmland)->Arg(20)->Unit(benchmark::kMillisecond);

// The whole `info` inventory of a generated area; items: communes.
void BM_Inventory(benchmark::State& state) {
    const auto& area = area_of(static_cast<int>(state.range(0)));
    for (auto _ : state) benchmark::DoNotOptimize(ntm::indicators::take_inventory(area));
    state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Inventory)->Arg(100)->Unit(benchmark::kMillisecond);

// One draw of the Can Lộc baseline scenario (every year of its period), one thread; items:
// commune-years, so items/s is the simulation's speed per commune and year.
void BM_SimulationYear(benchmark::State& state) {
    static const auto loaded = ntm::io::load_study_area(ntm::data_dir() + "/datasets/canloc");
    static const auto measures = ntm::indicators::measure_area(loaded.area);
    static const auto sc =
        ntm::scenario::load_scenario(ntm::data_dir() + "/scenarios/canloc/baseline.yaml");
    static const auto set = ntm::criteria::load_criteria_set(sc.criteria);
    static const auto in = ntm::sim::compile(loaded.area, measures, set, sc, loaded.area.layers);
    ntm::sim::DrawRunner runner(in);
    ntm::sim::Aggregate agg(in);
    std::uint32_t draw = 0;
    for (auto _ : state) runner.run(draw++, agg);
    benchmark::DoNotOptimize(agg.reached.data());
    state.SetItemsProcessed(state.iterations() * static_cast<long long>(in.communes.size()) *
                            in.years);
}
BENCHMARK(BM_SimulationYear);

// The counter-based RNG: one uniform from (seed, stream, draw, year, counter); items: numbers.
void BM_PhiloxUniform(benchmark::State& state) {
    const ntm::Rng rng(2017);
    std::uint32_t i = 0;
    for (auto _ : state) benchmark::DoNotOptimize(rng.uniform(1, 2, 3, i++));
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PhiloxUniform);

// Generating a synthetic area; items: communes.
void BM_Generate(benchmark::State& state) {
    for (auto _ : state)
        benchmark::DoNotOptimize(
            ntm::synth::generate(ntm::synth::default_recipe(static_cast<int>(state.range(0)), 1)));
    state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Generate)->Arg(100)->Unit(benchmark::kMillisecond);

}  // namespace
