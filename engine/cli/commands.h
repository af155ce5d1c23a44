#pragma once
// The ntmsim subcommands. Each takes its own arguments (after the command name) and returns the
// process exit code; errors are thrown as ntm::Error and turned into messages by main().
#include <string>
#include <vector>

namespace ntm::cli {

using Args = std::vector<std::string>;

int cmd_validate(const Args& args);
int cmd_info(const Args& args);
int cmd_generate(const Args& args);
int cmd_assess(const Args& args);
int cmd_simulate(const Args& args);
int cmd_run(const Args& args);
int cmd_remap(const Args& args);
int cmd_compare(const Args& args);
int cmd_export(const Args& args);
int cmd_calibrate(const Args& args);
int cmd_backtest(const Args& args);
int cmd_serve(const Args& args);
int cmd_plan(const Args& args);
// Prints the one command that opens the viewer on OUTDIR (the end of `ntmsim run`).
void print_viewer_command(const std::string& outdir);

// Applies --threads (0: all cores) to OpenMP.
void set_threads(int threads);

}  // namespace ntm::cli
