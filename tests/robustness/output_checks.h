#pragma once
// What the output tests share: running ntmsim, killing it, reading back what it left.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "support/fixtures.h"
#include "support/run.h"
#include "test_paths.h"

extern char** environ;

namespace ntm::test {

namespace fs = std::filesystem;

inline std::string ntmsim(const std::string& args) {
    return std::string(test::kNtmsim) + " " + args;
}
inline std::string canloc() { return std::string(test::kSourceDir) + "/datasets/canloc"; }
inline std::string baseline() {
    return std::string(test::kSourceDir) + "/scenarios/canloc/baseline.yaml";
}

// Runs a shell command; stdout and stderr together.
inline test::RunResult sh(const std::string& command) { return test::run(command + " 2>&1"); }

// Two Can Lộc baseline results, seeds 1 and 2, in DIR/r1 and DIR/r2: an old and a new result for
// the export kill tests.
inline void simulate_two_seeds(const test::TempDir& dir) {
    for (const int seed : {1, 2})
        ASSERT_EQ(sh(ntmsim("simulate " + quote(canloc()) + " " + quote(baseline()) +
                            " --draws 30 --seed " + std::to_string(seed) + " -o " +
                            quote(dir / ("r" + std::to_string(seed)))))
                      .exit_code,
                  0);
}

inline std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// Every regular file under `root` (relative path → bytes); a file on its own maps "" → bytes.
inline std::map<std::string, std::string> tree(const fs::path& root) {
    std::map<std::string, std::string> out;
    if (fs::is_regular_file(root)) {
        out[""] = slurp(root);
        return out;
    }
    if (!fs::is_directory(root)) return out;
    for (const auto& e : fs::recursive_directory_iterator(root))
        if (e.is_regular_file()) out[fs::relative(e.path(), root).string()] = slurp(e.path());
    return out;
}

// What ntmsim leaves beside a target apart from the target itself (temporaries, aside copies,
// locks).
inline std::vector<std::string> leftovers(const fs::path& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) {
        const auto n = e.path().filename().string();
        if (n.rfind(".ntmsim-", 0) == 0) out.push_back(n);
    }
    return out;
}

// Starts `argv` with NTM_TEST_KILL_AT (if any) set, kills it with SIGKILL after `delay` (if it
// is still running), and returns its wait status.
inline int run_and_kill(const std::vector<std::string>& args, std::chrono::microseconds delay,
                        const std::string& kill_at = {}) {
    std::vector<std::string> env_strings;
    for (char** e = environ; *e; ++e) env_strings.emplace_back(*e);
    if (!kill_at.empty()) env_strings.push_back("NTM_TEST_KILL_AT=" + kill_at);
    std::vector<char*> env, argv;
    for (auto& s : env_strings) env.push_back(s.data());
    env.push_back(nullptr);
    std::vector<std::string> a = args;
    for (auto& s : a) argv.push_back(s.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid = 0;
    EXPECT_EQ(posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), env.data()), 0);
    posix_spawn_file_actions_destroy(&actions);
    if (delay.count() > 0) {
        std::this_thread::sleep_for(delay);
        ::kill(pid, SIGKILL);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return status;
}

inline std::vector<std::string> simulate_args(const std::string& out, int seed) {
    return {kNtmsim,       "simulate",  canloc(), baseline(), "--draws",
            "60",          "--threads", "2",      "--seed",   std::to_string(seed),
            "--overwrite", "-o",        out};
}

// What a run with `seed` writes for the baseline (a reference to compare with).
inline std::map<std::string, std::string> simulate_reference(const TempDir& dir, int seed) {
    const std::string out = dir / ("ref" + std::to_string(seed));
    const auto r =
        sh(ntmsim("simulate " + quote(canloc()) + " " + quote(baseline()) +
                  " --draws 60 --threads 2 --seed " + std::to_string(seed) + " -o " + quote(out)));
    EXPECT_EQ(r.exit_code, 0) << r.out;
    return tree(std::filesystem::path(out) / "baseline");
}

}  // namespace ntm::test
