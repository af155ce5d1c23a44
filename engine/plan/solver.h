#pragma once
// A mixed-integer program in a plain form, and the one small interface a solver implements
// (COIN-OR CBC today: cbc_solver.cpp). Columns are variables, rows are lo ≤ Σ a·x ≤ hi; the
// objective is minimised.
#include <limits>
#include <memory>
#include <string>
#include <vector>

namespace ntm::plan {

inline constexpr double kInf = std::numeric_limits<double>::infinity();

struct Mip {
    std::vector<double> lower, upper, cost;
    std::vector<char> integer;
    std::vector<std::string> names;
    struct Row {
        std::vector<int> cols;
        std::vector<double> coefs;
        double lo = -kInf, hi = kInf;
    };
    std::vector<Row> rows;

    int add_col(std::string name, double lo, double hi, double cost, bool is_integer);
    void add_row(Mip::Row row) { rows.push_back(std::move(row)); }
    std::size_t cols() const { return lower.size(); }
};

struct SolveOptions {
    double time_limit_s = 60;
    double relative_gap = 1e-6;  // stop when (best − bound) / |best| is at most this
    int threads = 1;             // more than one: CBC's deterministic parallel mode
    bool verbose = false;
};

struct SolveResult {
    enum class Status { Optimal, Feasible, Infeasible, NoSolution };
    Status status = Status::NoSolution;
    std::vector<double> x;
    double objective = 0;
    double bound = 0;  // the best bound proven
    double gap = 0;    // (objective − bound) / max(|objective|, 1e-9); 0 when proven optimal
    long long nodes = 0;
};

std::string_view status_name(SolveResult::Status s);

class Solver {
 public:
    virtual ~Solver() = default;
    virtual std::string name() const = 0;
    // `start`: a value for every integer column to start from (the greedy schedule), or empty.
    virtual SolveResult solve(const Mip& mip, const SolveOptions& options,
                              const std::vector<double>& start) = 0;
};

std::unique_ptr<Solver> make_cbc_solver();

}  // namespace ntm::plan
