// Golden files (tests/golden/README.md): the main outputs on the bundled Can Lộc data, byte for
// byte. A difference fails with the first differing line; an intended change is recorded by
// scripts/update-golden.sh and a commit that says why.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "robustness/output_checks.h"

namespace ntm::test {
namespace {

namespace fs = std::filesystem;

fs::path golden(const std::string& name) {
    return fs::path(test::kSourceDir) / "tests/golden" / name;
}

// Compares `got` with the golden file, naming the first line that differs.
void expect_same(const fs::path& got, const std::string& name) {
    ASSERT_TRUE(fs::exists(golden(name)))
        << golden(name) << " is missing: run scripts/update-golden.sh";
    const std::string want = slurp(golden(name)), have = slurp(got);
    if (want == have) return;
    std::istringstream a(want), b(have);
    std::string la, lb;
    for (int line = 1;; ++line) {
        const bool ga = static_cast<bool>(std::getline(a, la)),
                   gb = static_cast<bool>(std::getline(b, lb));
        if (!ga && !gb) break;
        if (ga != gb || la != lb) {
            ADD_FAILURE() << name << " differs at line " << line
                          << "\n  golden: " << (ga ? la : "(end)")
                          << "\n  now:    " << (gb ? lb : "(end)")
                          << "\nif the change is intended, run scripts/update-golden.sh and say "
                             "why in the commit";
            return;
        }
    }
}

TEST(Golden, AssessCanLoc2017) {
    TempDir dir("golden-assess");
    // From the source folder with relative paths, as scripts/update-golden.sh runs them.
    const auto r = sh("cd " + quote(test::kSourceDir) + " && " +
                      ntmsim("assess datasets/canloc --criteria hatinh-2017 --year 2017 -q -o " +
                             quote(dir / "assess.gpkg")));
    ASSERT_EQ(r.exit_code, 0) << r.out;
    int files = 0;
    for (const auto& e : fs::directory_iterator(dir.path())) {
        const auto name = e.path().filename().string();
        if (name.rfind("assess-", 0) != 0 || e.path().extension() != ".csv") continue;
        expect_same(e.path(), name);
        ++files;
    }
    EXPECT_EQ(files, 3) << "communes, indicators and gaps";
}

TEST(Golden, SimulateCanLocBaseline) {
    TempDir dir("golden-simulate");
    // run.csv records the paths as given: relative ones, from the source folder.
    const auto r = sh("cd " + quote(test::kSourceDir) + " && " +
                      ntmsim("simulate datasets/canloc scenarios/canloc/baseline.yaml --draws 40 "
                             "--seed 7 --threads 2 -o " +
                             quote(dir / "sim")));
    ASSERT_EQ(r.exit_code, 0) << r.out;
    int files = 0;
    for (const auto& e : fs::directory_iterator(dir / "sim/baseline")) {
        if (e.path().extension() != ".csv") continue;
        expect_same(e.path(), "simulate-" + e.path().filename().string());
        ++files;
    }
    EXPECT_GE(files, 6);
}

}  // namespace
}  // namespace ntm::test
