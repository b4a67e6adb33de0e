// `freelunch precisions [NAME...] [--json]`: every named arithmetic (or the ones named, parsed as
// --precision parses them) with its significand bits, exponent range, largest finite value and
// smallest subnormal.
#include <mpfr.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "arith/precision.hpp"
#include "cli/commands.hpp"
#include "cli/output_sink.hpp"
#include "arith/scoped_mpfr.hpp"
#include "core/deviation.hpp"

namespace freelunch::cli::precisions_command {
namespace {

// Exact when it is a modest integer (65504, 448), else about three digits ("~3.40e+38").
std::string describe_extreme(const Rational& q) {
  if (boost::multiprecision::denominator(q) == 1 && q < Rational(Integer(1) << 64)) return q.str();
  arith::ScopedMpfr x(64);
  mpfr_set_q(x.get(), q.backend().data(), MPFR_RNDN);
  char buffer[64];
  mpfr_snprintf(buffer, sizeof buffer, "~%.3RNg", x.get());
  return buffer;
}

struct Row {
  std::string bits, exponents, max_finite, min_subnormal, note;
};

Row describe(const arith::Precision& p) {
  return std::visit(
      [](const auto& spec) -> Row {
        using S = std::decay_t<decltype(spec)>;
        if constexpr (std::is_same_v<S, arith::ExactSpec>) {
          return {"unbounded", "unbounded", "none", "none", "GMP rationals, dyadic fast path"};
        } else if constexpr (std::is_same_v<S, arith::MpfrSpec>) {
          return {std::to_string(spec.precision), "MPFR default (+-2^30)", "~2^1073741823", "none (no subnormals)", "MPFR, nearest even"};
        } else if constexpr (std::is_same_v<S, arith::IntervalSpec>) {
          return {std::to_string(spec.precision) + " per endpoint", "MPFR default", "~2^1073741823", "none", "MPFI certified enclosures"};
        } else if constexpr (std::is_same_v<S, arith::FloatSpec>) {
          const auto& f = spec.format;
          return {std::to_string(f.precision()),
                  "[" + std::to_string(f.emin_normal()) + ", " + std::to_string(f.emax()) + "]",
                  describe_extreme(f.max_finite()), "2^" + std::to_string(f.emin_subnormal()),
                  std::string(f.has_infinity ? "IEEE-style" : "FN style: no inf, overflow -> NaN") +
                      (spec.mpfr_path ? ", MPFR path" : ", binary64 fast path")};
        } else {
          const auto& f = spec.format;
          return {std::to_string(f.int_bits + f.frac_bits) + " (word)", "fixed 2^-" + std::to_string(f.frac_bits),
                  describe_extreme(f.max_value()), "2^-" + std::to_string(f.frac_bits) + " (resolution)",
                  "two's complement, nearest even, saturating"};
        }
      },
      p.spec);
}

nlohmann::json row_json(const arith::Precision& p) {
  const Row r = describe(p);
  return {{"name", p.name},          {"significand_bits", r.bits},        {"exponent_range", r.exponents},
          {"max_finite", r.max_finite}, {"smallest_subnormal", r.min_subnormal}, {"notes", r.note}};
}

void run_precisions(const std::vector<std::string>& names, bool json) {
  std::vector<arith::Precision> list;
  if (names.empty()) list = arith::named_precisions();
  for (const std::string& name : names) list.push_back(arith::parse_precision(name));
  if (json) {
    nlohmann::json rows = nlohmann::json::array();
    for (const arith::Precision& p : list) rows.push_back(row_json(p));
    emit_json({{"precisions", rows}, {"forms", arith::precision_forms()}});
    return;
  }
  std::printf("%-12s %-18s %-22s %-14s %-22s %s\n", "name", "significand bits", "exponent range", "max finite",
              "smallest subnormal", "notes");
  for (const arith::Precision& p : list) {
    const Row r = describe(p);
    std::printf("%-12s %-18s %-22s %-14s %-22s %s\n", p.name.c_str(), r.bits.c_str(), r.exponents.c_str(),
                r.max_finite.c_str(), r.min_subnormal.c_str(), r.note.c_str());
  }
  if (names.empty()) std::printf("\nAlso: %s\n", arith::precision_forms().c_str());
}

}  // namespace
}  // namespace freelunch::cli::precisions_command

namespace freelunch::cli {

void setup_precisions(CLI::App& app) {
  using namespace precisions_command;
  struct Options {
    std::vector<std::string> names;
    bool json = false;
  };
  auto opt = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand("precisions", "Every arithmetic with significand bits, exponent range, extremes");
  sub->add_option("names", opt->names, "Describe only these (e.g. fp16 mpfr113 fix16.16); an unknown name is an error");
  sub->add_flag("--json", opt->json, "Print one JSON object instead of the table");
  sub->callback([opt] { run_precisions(opt->names, opt->json); });
}

}  // namespace freelunch::cli
