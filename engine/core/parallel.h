#pragma once
// Exceptions never leave an OpenMP region (that would call std::terminate): each item's is
// caught and kept, and after the region the lowest item's is rethrown, so the error reported is
// the same for any thread count and schedule.
#include <exception>
#include <mutex>

namespace ntm {

class ParallelErrors {
 public:
    // Runs f() for `item`, keeping what it throws.
    template <typename F>
    void run(long long item, F&& f) noexcept {
        try {
            f();
        } catch (...) {
            std::lock_guard<std::mutex> lock(m_mutex);
            if (!m_error || item < m_item) {
                m_item = item;
                m_error = std::current_exception();
            }
        }
    }
    // After the region: rethrows the lowest item's exception, if any.
    void rethrow() const {
        if (m_error) std::rethrow_exception(m_error);
    }

 private:
    std::mutex m_mutex;
    long long m_item = 0;
    std::exception_ptr m_error;
};

}  // namespace ntm
