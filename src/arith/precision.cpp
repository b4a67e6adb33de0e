#include "arith/precision.hpp"

#include <optional>
#include <set>
#include <string_view>

namespace freelunch::arith {
namespace {

constexpr long kMaxPrecision = 65536;

std::optional<FpFormat> named_format(const std::string& name) {
  if (name == "fp64") return make_ieee_format(name, 11, 52);
  if (name == "fp32") return make_ieee_format(name, 8, 23);
  if (name == "bf16") return make_ieee_format(name, 8, 7);
  if (name == "fp16") return make_ieee_format(name, 5, 10);
  if (name == "e5m2") return make_ieee_format(name, 5, 2);
  if (name == "e4m3") return make_fn_format(name, 4, 3);
  return std::nullopt;
}

[[noreturn]] void invalid(const std::string& name, const std::string& why) {
  throw UsageError("unknown precision '" + name + "'" + (why.empty() ? "" : " (" + why + ")") +
                   "; valid: " + precision_forms());
}

long bounded(const std::string& name, const std::string& digits, long lo, long hi, const char* what) {
  if (digits.size() > 7) invalid(name, std::string(what) + " out of range");
  const long v = std::stol(digits);
  if (v < lo || v > hi) invalid(name, std::string(what) + " must be in " + std::to_string(lo) + ".." + std::to_string(hi));
  return v;
}

// The digit runs of `name` when it is `prefix` followed by `groups` nonempty runs of decimal
// digits separated by '.': "mpfr53" is ("mpfr", 1 group), "fix16.16" is ("fix", 2 groups).
std::optional<std::vector<std::string>> numbered(const std::string& name, std::string_view prefix, int groups) {
  if (!name.starts_with(prefix)) return std::nullopt;
  std::vector<std::string> runs;
  std::size_t pos = prefix.size();
  for (int g = 0; g < groups; ++g) {
    if (g > 0 && (pos >= name.size() || name[pos++] != '.')) return std::nullopt;
    const std::size_t begin = pos;
    while (pos < name.size() && name[pos] >= '0' && name[pos] <= '9') ++pos;
    if (pos == begin) return std::nullopt;
    runs.push_back(name.substr(begin, pos - begin));
  }
  if (pos != name.size()) return std::nullopt;
  return runs;
}

std::optional<FpFormat> float_format(const std::string& name) {
  if (auto f = named_format(name)) return f;
  const auto m = numbered(name, "f", 2);
  if (!m) return std::nullopt;
  const int e = static_cast<int>(bounded(name, (*m)[0], 2, 30, "exponent bits"));
  const int mant = static_cast<int>(bounded(name, (*m)[1], 1, 200, "significand bits"));
  return make_ieee_format(name, e, mant);
}

}  // namespace

std::string precision_forms() {
  return "exact, mpfrP, intervalP (2 <= P <= 65536), fp64, fp32, bf16, fp16, e5m2, e4m3, "
         "fE.M (2 <= E <= 30, 1 <= M <= 200), fixI.F (I >= 1, F >= 0, I + F <= 62), "
         "a float format followed by :mpfr";
}

Precision parse_precision(const std::string& name) {
  if (name == "exact") return {name, ExactSpec{}};
  if (const auto m = numbered(name, "mpfr", 1)) return {name, MpfrSpec{bounded(name, (*m)[0], 2, kMaxPrecision, "P")}};
  if (const auto m = numbered(name, "interval", 1)) return {name, IntervalSpec{bounded(name, (*m)[0], 2, kMaxPrecision, "P")}};
  if (const auto m = numbered(name, "fix", 2)) {
    FixedFormat f{static_cast<int>(bounded(name, (*m)[0], 1, 62, "I")), static_cast<int>(bounded(name, (*m)[1], 0, 61, "F"))};
    if (f.int_bits + f.frac_bits > 62) invalid(name, "I + F must be at most 62");
    return {name, FixedSpec{f}};
  }
  const std::string suffix = ":mpfr";
  const bool mpfr_path = name.size() > suffix.size() && name.ends_with(suffix);
  const std::string base = mpfr_path ? name.substr(0, name.size() - suffix.size()) : name;
  if (auto f = float_format(base)) {
    // Formats too wide for the binary64 fast path always take the MPFR path.
    const bool use_mpfr = mpfr_path || (!f->fits_double_fast_path() && !f->is_binary64());
    return {name, FloatSpec{*f, use_mpfr}};
  }
  invalid(name, name.empty() ? "empty name" : "");
}

std::vector<Precision> parse_precision_list(const std::string& names) {
  std::vector<Precision> out;
  std::set<std::string> seen;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = names.find(',', start);
    const std::string item = names.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (item.empty()) throw UsageError("empty precision name in list '" + names + "'; valid: " + precision_forms());
    if (!seen.insert(item).second) throw UsageError("precision '" + item + "' listed twice");
    out.push_back(parse_precision(item));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

std::vector<Precision> named_precisions() {
  std::vector<Precision> out;
  for (const char* n : {"exact", "mpfr53", "mpfr113", "interval128", "fp64", "fp32", "bf16", "fp16", "e5m2", "e4m3", "fix16.16", "fix8.8"})
    out.push_back(parse_precision(n));
  return out;
}

}  // namespace freelunch::arith
