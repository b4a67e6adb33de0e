#pragma once
// Memory estimates and the cap they are compared with, for inputs whose exact evaluation could
// need more memory than the machine has (`freelunch eval`, docs/layer-json.md).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "arith/precision.hpp"
#include "arith/rational.hpp"

namespace freelunch::io {

// The bits of |numerator| plus the bits of the denominator (0 has 1 + 1): the size of q as GMP
// stores it, without limb rounding. Exact.
std::size_t bit_size(const Rational& q);

// The bytes one value of a non-exact arithmetic holds: P/8 + 48 for MPFR (limbs and the struct),
// twice that and 16 for intervals, 16 for emulated formats and fixed point.
double value_bytes(const arith::Precision& p);

// MemAvailable from /proc/meminfo in bytes; nullopt when it cannot be read.
std::optional<std::uint64_t> available_memory();

// The cap used when none is given: MemAvailable, or kFallbackMemoryCap when it is unknown.
inline constexpr std::uint64_t kFallbackMemoryCap = std::uint64_t{4} << 30;  // 4 GiB
std::uint64_t default_memory_cap();

// "123 bytes", "4.5 KiB", "1.2 GiB" (three significant digits, binary units).
std::string format_bytes(double bytes);

// "4096", "512K", "64M", "4G", "1T" (binary units, K = 1024) -> bytes; UsageError otherwise or
// for 0.
std::uint64_t parse_byte_size(const std::string& text);

}  // namespace freelunch::io
