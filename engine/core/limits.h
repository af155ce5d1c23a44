#pragma once
// Limits checked before work (docs/limits.md): memory a run will need against what this machine
// (or its container) gives and the documented cap, so that a run too large fails in a second
// with what to do, instead of swapping or being killed after hours.
#include <cstdint>
#include <string>

namespace ntm {

// The memory a run may use: 80% of the physical memory or of the container's limit (cgroup v2
// memory.max, or v1 memory.limit_in_bytes), whichever is smaller; the environment variable
// NTM_MEMORY_LIMIT_MB, when set, lowers or raises it.
std::uint64_t usable_memory_bytes();

// Throws UsageError "WHAT needs about N GB of memory; this machine gives M GB: ADVICE" when
// `needed` exceeds usable_memory_bytes().
void check_memory(std::uint64_t needed, const std::string& what, const std::string& advice);

// "1.3 GB", "250 MB", "12 kB".
std::string human_bytes(double bytes);

}  // namespace ntm
