#include "io/memory.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <system_error>
#include <type_traits>
#include <variant>

#include "arith/errors.hpp"

namespace freelunch::io {

double value_bytes(const arith::Precision& p) {
  return std::visit(
      [](const auto& spec) -> double {
        using S = std::decay_t<decltype(spec)>;
        if constexpr (std::is_same_v<S, arith::MpfrSpec>) return 48 + static_cast<double>((spec.precision + 63) / 64 * 8);
        else if constexpr (std::is_same_v<S, arith::IntervalSpec>) return 2 * (48 + static_cast<double>((spec.precision + 63) / 64 * 8)) + 16;
        else if constexpr (std::is_same_v<S, arith::FloatSpec>)
          return spec.mpfr_path ? 48 + static_cast<double>((spec.format.precision() + 63) / 64 * 8) : 16;
        else return 16;
      },
      p.spec);
}

std::size_t bit_size(const Rational& q) {
  const Integer num = boost::multiprecision::numerator(q);
  const Integer den = boost::multiprecision::denominator(q);
  return mpz_sizeinbase(num.backend().data(), 2) + mpz_sizeinbase(den.backend().data(), 2);
}

std::optional<std::uint64_t> available_memory() {
  std::ifstream in("/proc/meminfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("MemAvailable:", 0) != 0) continue;
    std::istringstream fields(line.substr(13));
    std::uint64_t kib = 0;
    std::string unit;
    if (fields >> kib >> unit && unit == "kB") return kib * 1024;
    return std::nullopt;
  }
  return std::nullopt;
}

std::uint64_t default_memory_cap() { return available_memory().value_or(kFallbackMemoryCap); }

std::string format_bytes(double bytes) {
  static const char* const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  if (bytes < 1024) return std::to_string(static_cast<long long>(std::llround(bytes))) + " bytes";
  int unit = -1;
  while (bytes >= 1024 && unit < 5) {
    bytes /= 1024;
    ++unit;
  }
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.3g %s", bytes, units[unit]);
  return buffer;
}

std::uint64_t parse_byte_size(const std::string& text) {
  const std::string valid = "expected a size in bytes such as 4096, 512K, 64M, 4G or 1T";
  std::size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + digits, value);
  if (digits == 0 || ec != std::errc() || end != text.data() + digits || text.size() > digits + 1)
    throw UsageError("memory size '" + text + "': " + valid);
  int shift = 0;
  if (text.size() == digits + 1) {
    const std::string units = "KMGT";
    const std::size_t k = units.find(static_cast<char>(std::toupper(static_cast<unsigned char>(text[digits]))));
    if (k == std::string::npos) throw UsageError("memory size '" + text + "': " + valid);
    shift = 10 * static_cast<int>(k + 1);
  }
  if (value == 0) throw UsageError("memory size '" + text + "' must be positive");
  if (value > (UINT64_MAX >> shift)) throw UsageError("memory size '" + text + "' is too large");
  return value << shift;
}

}  // namespace freelunch::io
