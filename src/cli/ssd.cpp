// `freelunch ssd`: Mamba-2's chunked algorithm (S2, THEORY §5) against the recurrence on a scan
// layer of one's own.
//
//   freelunch ssd LAYER.json --chunk Q[,Q...] [--segsum products|cumsum] [--precision LIST]
//                 [--semantics S] [--json]
//
// LAYER.json is a `scan` layer with scalar decays (docs/layer-json.md). Per arithmetic: the
// recurrent outputs (models::selective_scan) and, per chunk size, the chunked outputs
// (models::chunked_scan); each one's largest deviation from the exact recurrence (the reference:
// the decays are rational, so the exact map is computable), and whether chunked equals recurrent
// output for output in that arithmetic. The exact reference always runs the chunked algorithm in
// products mode too: exit 0 when it equals the recurrence for every chunk size (the identity),
// 1 when not, 2 for usage errors (a layer that is not a scan, per-state decays, Q = 0, a run
// above the work limit). Intervals are listed as not applicable; cumsum in `exact` too (it needs
// exp and log).
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <CLI/CLI.hpp>

#include "arith/errors.hpp"
#include "arith/precision.hpp"
#include "cli/commands.hpp"
#include "cli/output_sink.hpp"
#include "core/version.hpp"
#include "io/layer_json.hpp"
#include "io/memory.hpp"
#include "models/chunked_scan.hpp"
#include "models/rounding_semantics.hpp"
#include "models/selective_scan.hpp"

namespace freelunch::cli::ssd_command {
namespace {

struct SsdOptions {
  std::string file;
  std::string chunks;
  std::string segsum = "products";
  std::string precisions = "exact,fp32,bf16,fp16";
  std::string semantics;
  std::string max_memory;  // empty: MemAvailable
  bool json = false;
};

// Work limit: a chunked run executes about N (Q + 1) / 2 (n + 2) multiply-adds; above this a run
// would take minutes in the emulated formats and far longer in exact arithmetic.
constexpr double kMaxMulAdds = 1u << 28;

// Outputs of one run as exact values; nullopt for a non-finite entry.
using Outputs = std::vector<std::optional<Rational>>;

struct Run {
  bool applicable = true;
  std::string reason;  // why not applicable
  Outputs outputs;
};

struct Row {
  std::string precision;
  Run recurrent;
  std::vector<Run> chunked;  // one per chunk size
};

std::vector<std::size_t> parse_chunks(const std::string& text) {
  std::vector<std::size_t> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string item = text.substr(start, comma - start);
    std::size_t used = 0;
    long q = 0;
    try {
      q = std::stol(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (item.empty() || used != item.size()) throw UsageError("--chunk: '" + item + "' is not a chunk size");
    if (q < 1) throw UsageError("--chunk: the chunk size Q must be at least 1 (got " + item + ")");
    out.push_back(static_cast<std::size_t>(q));
    start = comma + 1;
  }
  return out;
}

template <class A>
Outputs exact_values(const A& ar, const std::vector<typename A::value_type>& y) {
  Outputs out;
  for (const auto& v : y) out.push_back(ar.is_finite(v) ? std::optional<Rational>(ar.to_rational(v)) : std::nullopt);
  return out;
}

// The runs in one arithmetic. `mode` applies to the chunked runs.
Row run_in(const arith::Precision& prec, const models::ScanParams<Rational>& params, const std::vector<Rational>& input,
           const std::vector<std::size_t>& chunks, models::Segsum mode, const models::RoundingSemantics& sem) {
  return arith::with_arithmetic(prec, [&](const auto& ar) -> Row {
    using A = std::decay_t<decltype(ar)>;
    using V = typename A::value_type;
    Row row;
    row.precision = prec.name;
    if constexpr (!arith::PointArithmetic<A>) {
      row.recurrent = {false, "intervals: an enclosure is not one output", {}};
      for (std::size_t i = 0; i < chunks.size(); ++i) row.chunked.push_back(row.recurrent);
    } else {
      const auto p = models::to_arithmetic(ar, params, sem);
      std::vector<V> u;
      for (const Rational& x : input) u.push_back(ar.from_rational(models::through_storage(x, sem)));
      row.recurrent.outputs = exact_values(ar, models::selective_scan(ar, p, std::span<const V>(u), sem));
      for (std::size_t q : chunks) {
        if constexpr (!arith::TranscendentalArithmetic<A>) {
          if (mode == models::Segsum::cumsum) {
            row.chunked.push_back({false, "cumsum needs exp and log", {}});
            continue;
          }
        }
        row.chunked.push_back({true, "", exact_values(ar, models::chunked_scan(ar, p, std::span<const V>(u), q, mode, sem))});
      }
    }
    return row;
  });
}

// The largest |y_t − y*_t|, or nullopt when an output is not finite.
std::optional<Rational> max_deviation(const Outputs& y, const Outputs& reference) {
  Rational worst = 0;
  for (std::size_t t = 0; t < y.size(); ++t) {
    if (!y[t] || !reference[t]) return std::nullopt;
    const Rational d = abs(*y[t] - *reference[t]);
    if (d > worst) worst = d;
  }
  return worst;
}

std::string deviation_text(const std::optional<Rational>& d) {
  if (!d) return "non-finite";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3g", d->convert_to<double>());
  return buffer;
}

nlohmann::json outputs_json(const Outputs& y) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& v : y) out.push_back(v ? v->str() : std::string("non-finite"));
  return out;
}

int run_ssd(const SsdOptions& opt) {
  const std::vector<std::size_t> chunks = parse_chunks(opt.chunks);
  if (opt.segsum != "products" && opt.segsum != "cumsum") throw UsageError("--segsum: '" + opt.segsum + "'; valid: products, cumsum");
  const models::Segsum mode = opt.segsum == "products" ? models::Segsum::products : models::Segsum::cumsum;
  const io::LayerSpec spec = read_layer_argument(opt.file, opt.max_memory.empty() ? io::default_memory_cap() : io::parse_byte_size(opt.max_memory));
  if (spec.kind() != io::LayerKind::scan) throw UsageError(opt.file + ": a " + io::to_string(spec.kind()) + " layer; ssd needs a \"scan\" layer");
  const auto& params = std::get<models::ScanParams<Rational>>(spec.layer);
  if (params.decay_kind != models::DecayKind::scalar)
    throw UsageError(opt.file + ": per-state decays; the chunked algorithm (SSD) needs one scalar decay per position");
  for (std::size_t q : chunks) {
    const double work = static_cast<double>(params.length) * (static_cast<double>(std::min(q, params.length)) + 1) / 2 * (static_cast<double>(params.state) + 2);
    if (work > kMaxMulAdds)
      throw UsageError("--chunk " + std::to_string(q) + " at N = " + std::to_string(params.length) + ", n = " + std::to_string(params.state) + " is about " +
                       std::to_string(static_cast<long long>(work)) + " multiply-adds per run, above the limit 2^28: take a smaller Q");
  }
  const models::RoundingSemantics sem = models::parse_rounding_semantics(opt.semantics);
  const auto precisions = arith::parse_precision_list(opt.precisions);

  // The exact reference: the recurrence, and the chunked algorithm in products mode for the exit.
  const Row reference = run_in(arith::parse_precision("exact"), params, spec.input, chunks, models::Segsum::products, sem);
  bool identity = true;
  for (const Run& c : reference.chunked) identity = identity && c.outputs == reference.recurrent.outputs;

  std::vector<Row> rows;
  for (const arith::Precision& prec : precisions) rows.push_back(run_in(prec, params, spec.input, chunks, mode, sem));

  if (opt.json) {
    nlohmann::json out = {{"layer", spec.describe()}, {"file", opt.file},   {"segsum", opt.segsum}, {"semantics", sem.to_string()},
                          {"tool", kToolVersion},     {"identity", identity}, {"results", nlohmann::json::array()}};
    for (const Row& r : rows) {
      nlohmann::json row = {{"precision", r.precision}};
      if (!r.recurrent.applicable) {
        row["recurrent"] = nullptr;
        row["chunked"] = nullptr;
        row["reason"] = r.recurrent.reason;
        out["results"].push_back(row);
        continue;
      }
      const auto rd = max_deviation(r.recurrent.outputs, reference.recurrent.outputs);
      row["recurrent"] = {{"max_deviation", rd ? nlohmann::json(rd->convert_to<double>()) : nlohmann::json(nullptr)},
                          {"outputs", outputs_json(r.recurrent.outputs)}};
      row["chunked"] = nlohmann::json::array();
      for (std::size_t i = 0; i < chunks.size(); ++i) {
        const Run& c = r.chunked[i];
        nlohmann::json entry = {{"chunk", chunks[i]}, {"segsum", opt.segsum}};
        if (!c.applicable) {
          entry["max_deviation"] = nullptr;
          entry["equals_recurrent"] = nullptr;
          entry["outputs"] = nullptr;
          entry["reason"] = c.reason;
        } else {
          const auto cd = max_deviation(c.outputs, reference.recurrent.outputs);
          entry["max_deviation"] = cd ? nlohmann::json(cd->convert_to<double>()) : nlohmann::json(nullptr);
          entry["equals_recurrent"] = c.outputs == r.recurrent.outputs;
          entry["outputs"] = outputs_json(c.outputs);
        }
        row["chunked"].push_back(entry);
      }
      out["results"].push_back(row);
    }
    emit_json(out);
  } else {
    std::printf("ssd: %s, segsum %s; rounding %s\n", spec.describe().c_str(), opt.segsum.c_str(), sem.to_string().c_str());
    std::printf("  deviation: largest |y - y*| against the exact recurrence; \"= rec\": chunked equals the recurrence in that arithmetic\n");
    std::printf("  %-10s %-12s", "precision", "recurrent");
    for (std::size_t q : chunks) std::printf(" %-22s", ("Q = " + std::to_string(q)).c_str());
    std::printf("\n");
    for (const Row& r : rows) {
      std::printf("  %-10s", r.precision.c_str());
      if (!r.recurrent.applicable) {
        std::printf(" not applicable (%s)\n", r.recurrent.reason.c_str());
        continue;
      }
      std::printf(" %-12s", deviation_text(max_deviation(r.recurrent.outputs, reference.recurrent.outputs)).c_str());
      for (const Run& c : r.chunked) {
        std::string cell = !c.applicable ? "n/a (" + c.reason + ")"
                                         : deviation_text(max_deviation(c.outputs, reference.recurrent.outputs)) +
                                               (c.outputs == r.recurrent.outputs ? " (= rec)" : " (!= rec)");
        std::printf(" %-22s", cell.c_str());
      }
      std::printf("\n");
    }
    std::printf("  => %s\n", identity ? "in exact arithmetic the chunked algorithm (products) equals the recurrence for every Q given"
                                      : "the chunked algorithm (products) DIFFERS from the recurrence in exact arithmetic");
  }
  return identity ? 0 : 1;
}

}  // namespace
}  // namespace freelunch::cli::ssd_command

namespace freelunch::cli {

void setup_ssd(CLI::App& app, int& exit_code) {
  using namespace ssd_command;
  auto opt = std::make_shared<SsdOptions>();
  CLI::App* sub = app.add_subcommand("ssd", "Mamba-2's chunked algorithm (S2) against the recurrence on a scan layer, per arithmetic and chunk size");
  sub->add_option("layer", opt->file, "A scan layer with scalar decays (docs/layer-json.md), or - for standard input")->required();
  sub->add_option("--chunk", opt->chunks, "Chunk sizes Q, comma-separated")->required();
  sub->add_option("--segsum", opt->segsum, "How L(i, j) is formed: products or cumsum")->capture_default_str();
  sub->add_option("--precision", opt->precisions, "Comma-separated arithmetics")->capture_default_str();
  sub->add_option("--semantics", opt->semantics, "Rounding semantics, e.g. storage=bf16");
  sub->add_option("--max-memory", opt->max_memory, "Memory cap for reading the layer, e.g. 4G (default: MemAvailable)");
  sub->add_flag("--json", opt->json, "Print one JSON object instead of the table");
  sub->callback([opt, &exit_code] { exit_code = run_ssd(*opt); });
}

}  // namespace freelunch::cli
