// The Solver interface on COIN-OR CBC, through its C API (Cbc_C_Interface.h), which runs the same
// branch-and-cut with default cuts and heuristics as the `cbc` program.
#include <coin/Cbc_C_Interface.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "core/error.h"
#include "plan/solver.h"

namespace ntm::plan {

int Mip::add_col(std::string name, double lo, double hi, double c, bool is_integer) {
    lower.push_back(lo);
    upper.push_back(hi);
    cost.push_back(c);
    integer.push_back(is_integer);
    names.push_back(std::move(name));
    return static_cast<int>(lower.size()) - 1;
}

std::string_view status_name(SolveResult::Status s) {
    switch (s) {
        case SolveResult::Status::Optimal:
            return "optimal";
        case SolveResult::Status::Feasible:
            return "feasible (time limit)";
        case SolveResult::Status::Infeasible:
            return "infeasible";
        case SolveResult::Status::NoSolution:
            return "no solution found (time limit)";
    }
    return "?";
}

namespace {

class CbcSolver final : public Solver {
 public:
    std::string name() const override { return "COIN-OR CBC " + std::string(Cbc_getVersion()); }

    SolveResult solve(const Mip& mip, const SolveOptions& o,
                      const std::vector<double>& start) override {
        const int n = static_cast<int>(mip.cols());
        // Column-major matrix, as Cbc_loadProblem takes it.
        std::vector<int> count(static_cast<std::size_t>(n) + 1, 0);
        for (const auto& r : mip.rows)
            for (const int c : r.cols) ++count[static_cast<std::size_t>(c) + 1];
        std::vector<CoinBigIndex> starts(static_cast<std::size_t>(n) + 1, 0);
        for (int c = 0; c < n; ++c)
            starts[static_cast<std::size_t>(c) + 1] =
                starts[static_cast<std::size_t>(c)] + count[static_cast<std::size_t>(c) + 1];
        std::vector<int> index(static_cast<std::size_t>(starts.back()));
        std::vector<double> value(index.size());
        std::vector<CoinBigIndex> fill(starts.begin(), starts.end() - 1);
        std::vector<double> row_lo, row_hi;
        for (std::size_t r = 0; r < mip.rows.size(); ++r) {
            const auto& row = mip.rows[r];
            for (std::size_t k = 0; k < row.cols.size(); ++k) {
                const auto at =
                    static_cast<std::size_t>(fill[static_cast<std::size_t>(row.cols[k])]++);
                index[at] = static_cast<int>(r);
                value[at] = row.coefs[k];
            }
            row_lo.push_back(std::isinf(row.lo) ? -std::numeric_limits<double>::max() : row.lo);
            row_hi.push_back(std::isinf(row.hi) ? std::numeric_limits<double>::max() : row.hi);
        }
        std::vector<double> lo(mip.lower), hi(mip.upper);
        for (auto& v : lo)
            if (std::isinf(v)) v = -std::numeric_limits<double>::max();
        for (auto& v : hi)
            if (std::isinf(v)) v = std::numeric_limits<double>::max();

        Cbc_Model* model = Cbc_newModel();
        struct Guard {
            Cbc_Model* m;
            ~Guard() { Cbc_deleteModel(m); }
        } guard{model};
        Cbc_loadProblem(model, n, static_cast<int>(mip.rows.size()), starts.data(), index.data(),
                        value.data(), lo.data(), hi.data(), mip.cost.data(), row_lo.data(),
                        row_hi.data());
        for (int c = 0; c < n; ++c)
            if (mip.integer[static_cast<std::size_t>(c)]) Cbc_setInteger(model, c);
        Cbc_setLogLevel(model, o.verbose ? 1 : 0);
        Cbc_setParameter(model, "sec", std::to_string(o.time_limit_s).c_str());
        Cbc_setParameter(model, "ratioGap", std::to_string(o.relative_gap).c_str());
        // 100 + n threads: CBC's deterministic parallel mode, the same answer for any timing.
        if (o.threads > 1)
            Cbc_setParameter(model, "threads", std::to_string(100 + o.threads).c_str());
        std::vector<int> start_cols;
        std::vector<double> start_vals;
        if (!start.empty()) {
            for (int c = 0; c < n; ++c)
                if (mip.integer[static_cast<std::size_t>(c)]) {
                    start_cols.push_back(c);
                    start_vals.push_back(start[static_cast<std::size_t>(c)]);
                }
            Cbc_setMIPStartI(model, static_cast<int>(start_cols.size()), start_cols.data(),
                             start_vals.data());
        }
        Cbc_solve(model);

        SolveResult r;
        r.nodes = Cbc_getNodeCount(model);
        const bool has_solution = Cbc_numberSavedSolutions(model) > 0 || Cbc_isProvenOptimal(model);
        if (Cbc_isProvenInfeasible(model)) {
            r.status = SolveResult::Status::Infeasible;
            return r;
        }
        if (!has_solution) {
            r.status = SolveResult::Status::NoSolution;
            return r;
        }
        const double* x = Cbc_getColSolution(model);
        r.x.assign(x, x + n);
        // Integers exactly: the caller reads them as decisions.
        for (int c = 0; c < n; ++c)
            if (mip.integer[static_cast<std::size_t>(c)])
                r.x[static_cast<std::size_t>(c)] = std::round(r.x[static_cast<std::size_t>(c)]);
        r.objective = Cbc_getObjValue(model);
        r.bound = std::min(Cbc_getBestPossibleObjValue(model), r.objective);
        const bool optimal = Cbc_isProvenOptimal(model) != 0;
        r.gap = std::max(0.0, (r.objective - r.bound) / std::max(std::abs(r.objective), 1e-9));
        r.status = optimal ? SolveResult::Status::Optimal : SolveResult::Status::Feasible;
        return r;
    }
};

}  // namespace

std::unique_ptr<Solver> make_cbc_solver() { return std::make_unique<CbcSolver>(); }

}  // namespace ntm::plan
