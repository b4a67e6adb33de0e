// `freelunch eval`: checks a layer of one's own. Reads a layer and its input from JSON
// (io/layer_json.hpp, docs/layer-json.md), evaluates it in each listed arithmetic and prints, per
// arithmetic, the outputs, the largest deviation from the reference (`exact`, or an interval
// enclosure when the layer needs exp) and the first step where it appears, whether a copy schedule
// holds (decoded COPY, |y_i - u_pos(i)| < 1/2), and the exact semiseparable rank profile.
// Exit 0 when no schedule is given or it holds in every arithmetic (the reference included), 1
// when it fails or is undecided in one, 2 for usage errors (a bad file included).
//
//   freelunch eval LAYER.json [--precision exact,fp32,bf16,fp16] [--schedule full|reverse|shift:K|distance|I:P,...]
//                  [--semantics S] [--max-memory SIZE] [--max-rank-length N] [--no-ranks] [--json]
#include <mpfr.h>

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
#include "cli/validators.hpp"
#include "cli/output_sink.hpp"
#include "core/deviation.hpp"
#include "core/cancel.hpp"
#include "core/printable.hpp"
#include "core/progress.hpp"
#include "core/time_cap.hpp"
#include "core/version.hpp"
#include "io/layer_eval.hpp"
#include "io/layer_json.hpp"
#include "io/memory.hpp"
#include "models/rounding_semantics.hpp"

namespace freelunch::cli::eval_command {
namespace {

struct EvalOptions {
  std::string file;
  std::string precisions;  // empty: exact,fp32,bf16,fp16 (fp32,bf16,fp16 when the layer needs exp)
  std::string schedule;    // empty: the file's "schedule", if any
  std::string semantics;
  std::string max_memory;  // empty: MemAvailable
  std::string max_time;    // empty: kDefaultTimeCap
  bool quiet = false;      // no estimate or progress line on stderr
  std::size_t max_rank_length = io::kMaxRankProfileLength;
  bool no_ranks = false;
  bool json = false;
};

constexpr std::size_t kShownValues = 16;  // a row longer than 2 x 16 values shows both ends
constexpr std::size_t kShortExact = 10;   // exact values longer than this print as "~decimal"

struct Row {
  io::LayerRun run;
  bool reference = false;
  io::Comparison comparison;
  std::optional<io::ScheduleCheck> schedule;
};

// A decimal with `digits` significant digits (exact input, rounded to nearest), e.g. "0.100098".
std::string decimal(const Rational& q, int digits = 6) {
  if (q == 0) return "0";
  mpfr_t x;
  mpfr_init2(x, 64);
  mpfr_set_q(x, q.backend().data(), MPFR_RNDN);
  char buffer[96];
  mpfr_snprintf(buffer, sizeof buffer, "%.*Rg", digits, x);
  mpfr_clear(x);
  return buffer;
}

// One output for the text table: exact values as p/q when short, else a decimal marked "~";
// rounded values as decimals; enclosures by their midpoint.
std::string value_text(const io::LayerRun& run, std::size_t t) {
  if (!run.finite(t)) return run.nonfinite[t];
  if (run.enclosure) return decimal((*run.lower[t] + *run.upper[t]) / 2);
  if (!run.exact_path.empty()) {
    const std::string exact = to_string(*run.lower[t]);
    return exact.size() <= kShortExact ? exact : "~" + decimal(*run.lower[t]);
  }
  return decimal(*run.lower[t]);
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  const bool elide = items.size() > 2 * kShownValues;
  for (std::size_t k = 0; k < items.size(); ++k) {
    if (elide && k == kShownValues) {
      out += " ...";
      k = items.size() - kShownValues;
    }
    if (!out.empty()) out += " ";
    out += items[k];
  }
  return out;
}

std::string exact_or_decimal(const Rational& q) {
  const std::string exact = to_string(q);
  return exact.size() <= kShortExact ? exact : "~" + decimal(q);
}

std::string deviation_text(const Row& r, bool reference_is_enclosure) {
  const io::Comparison& c = r.comparison;
  if (r.reference)
    return r.run.enclosure ? "the reference (enclosures of width " + std::string(c.max_width == 0 ? "0" : "<= " + short_decimal(c.max_width)) + ")"
                           : "0 (the reference)";
  const bool bound = r.run.enclosure || reference_is_enclosure;
  std::string out;
  if (c.max_deviation == 0 && !c.first_nonfinite) {
    out = "0";
  } else if (c.max_step) {
    out = std::string(bound ? "<= " : "") + short_decimal(c.max_deviation) + " at step " + std::to_string(*c.max_step + 1);
    if (c.first_step && *c.first_step != *c.max_step && (!c.first_nonfinite || *c.first_step < *c.first_nonfinite))
      out += ", first at step " + std::to_string(*c.first_step + 1);
    else if (bound && !c.first_step)
      out += " (no step certainly deviates)";
  }
  if (c.first_nonfinite) out += std::string(out.empty() ? "" : "; ") + "non-finite from step " + std::to_string(*c.first_nonfinite + 1);
  if (r.run.enclosure) out += c.max_width == 0 ? "; enclosures of width 0" : "; enclosures of width <= " + short_decimal(c.max_width);
  if (c.reference_nonfinite) out += "; " + std::to_string(c.reference_nonfinite) + " steps where the reference is not finite skipped";
  return out;
}

std::string schedule_text(const Row& r, const tasks::CopySchedule& s, const std::vector<Rational>& input) {
  const io::ScheduleCheck& c = *r.schedule;
  const std::string largest = std::string(r.run.enclosure ? "<= " : "= ") + short_decimal(c.max_error);
  if (c.holds.is_true()) return "holds: largest |y_i - u_pos(i)| " + largest;
  const std::size_t k = *c.first_failure, i = s.outputs[k], pos = s.sources[k];
  const std::string where = " at step " + std::to_string(i + 1) + " (reads step " + std::to_string(pos + 1) + "): y = " + value_text(r.run, i) +
                            ", u = " + exact_or_decimal(input[pos]);
  return (c.holds.is_false() ? "fails" : "undecided (the enclosure straddles the margin 1/2)") + where;
}

std::string verdict_name(const arith::Tribool& t) { return t.is_true() ? "holds" : t.is_false() ? "fails" : "undecided"; }

nlohmann::json step_or_null(const std::optional<std::size_t>& t) { return t ? nlohmann::json(*t + 1) : nlohmann::json(nullptr); }

nlohmann::json outputs_json(const io::LayerRun& run) {
  nlohmann::json out = nlohmann::json::array();
  for (std::size_t t = 0; t < run.length(); ++t) {
    if (!run.finite(t)) out.push_back(run.nonfinite[t]);
    else if (run.enclosure) out.push_back({to_string(*run.lower[t]), to_string(*run.upper[t])});
    else out.push_back(to_string(*run.lower[t]));
  }
  return out;
}

int run_eval(const EvalOptions& opt) {
  // Everything that can be a usage error, before any arithmetic runs.
  const bool cap_given = !opt.max_memory.empty();
  const std::uint64_t cap = cap_given ? io::parse_byte_size(opt.max_memory) : io::default_memory_cap();
  const std::string cap_source = cap_given ? "--max-memory" : io::available_memory() ? "MemAvailable" : "the fallback cap";
  const models::RoundingSemantics sem = models::parse_rounding_semantics(opt.semantics);
  const std::string default_precisions = "exact,fp32,bf16,fp16";
  // The time cap holds from the start: reading a file of huge exact values is work too.
  const TimeCap time_cap = time_cap_from(opt.max_time);
  const ScopedDeadline deadline(time_cap.seconds, time_cap.text());
  io::LayerSpec spec = read_layer_argument(opt.file, cap);
  if (!opt.schedule.empty()) spec.schedule = io::parse_schedule(opt.schedule, spec.length());
  const auto precisions = arith::parse_precision_list(opt.precisions.empty() ? (spec.needs_exp() ? "fp32,bf16,fp16" : default_precisions) : opt.precisions);
  for (const arith::Precision& p : precisions)
    if (spec.needs_exp() && std::holds_alternative<arith::ExactSpec>(p.spec))
      throw UsageError(opt.file + ": the " + io::to_string(spec.kind()) + " layer needs exp, which 'exact' does not have (exp of a rational is not rational); " +
                       "drop it from --precision: the reference is an interval enclosure (intervalP)");
  const arith::Precision reference = io::reference_precision(spec, precisions);
  std::vector<arith::Precision> runs{reference};
  for (const arith::Precision& p : precisions)
    if (p.name != reference.name) runs.push_back(p);
  // Time: every run, its comparison with the reference (a few exact operations per output on
  // numbers of both runs' sizes) and the rank profile, against one cap for the whole command.
  double reference_bits = 0;
  std::vector<TimeEstimate> stages;
  for (const arith::Precision& p : runs) {
    const io::RunEstimate need = io::estimate_run(spec, p);
    if (need.memory.bytes > static_cast<double>(cap))
      throw UsageError(opt.file + ": evaluating in " + p.name + (p.name == reference.name ? " (the reference)" : "") + " needs about " +
                       io::format_bytes(need.memory.bytes) + " (" + need.memory.what +
                       "), above the memory cap " + io::format_bytes(static_cast<double>(cap)) + " (" + cap_source +
                       "); use a shorter layer, or raise the cap with --max-memory");
    if (stages.empty()) reference_bits = need.output_bits;
    const double compare = stages.empty() ? 0 : 4 * static_cast<double>(spec.length()) * exact_op_seconds(reference_bits + need.output_bits);
    char what[200];
    std::snprintf(what, sizeof what, "comparing %s's outputs with the reference's of up to %.3g bits", p.name.c_str(), reference_bits);
    stages.push_back(compare > need.time.seconds ? TimeEstimate{need.time.seconds + compare, what}
                                                 : TimeEstimate{need.time.seconds + compare, p.name + ": " + need.time.what});
  }
  TimeEstimate total;
  double largest = -1;
  for (const TimeEstimate& t : stages) {
    total.seconds += t.seconds;
    if (t.seconds > largest) largest = t.seconds, total.what = t.what;  // the stage that dominates
  }
  refuse_if_over({total.seconds, "mostly " + total.what}, time_cap, opt.file + ": evaluating", "use fewer arithmetics or a shorter layer");
  // The rank profile is left out, with the reason, when it alone would break a cap (as for memory).
  io::RankProfile profile;
  if (opt.no_ranks) {
    profile.reason = "--no-ranks";
  } else if (spec.length() <= opt.max_rank_length) {
    const TimeEstimate ranks = io::estimate_rank_profile(spec).time;
    if (total.seconds + ranks.seconds > time_cap.seconds)
      profile.reason = "it needs about " + format_duration(ranks.seconds) + " (" + ranks.what + "), beyond the time cap " + time_cap.text() +
                       " with the runs; raise the cap with --max-time";
    else if (ranks.seconds > largest)
      total.what = ranks.what;
    total.seconds += ranks.seconds;
  }
  if (!opt.quiet && total.seconds >= kAnnouncedSeconds)
    std::fprintf(stderr, "eval: about %s of work estimated (mostly %s)\n", format_duration(total.seconds).c_str(), total.what.c_str());

  // The runs, the reference first; a progress line counts runs, comparisons and rank blocks.
  const bool ranks_run = profile.reason.empty() && spec.length() <= opt.max_rank_length;
  const std::size_t steps = 2 * runs.size() + (ranks_run ? spec.length() : 0);
  Progress progress("eval", steps, !opt.quiet, "stages (runs, comparisons, rank blocks)");
  std::size_t done = 0;
  std::vector<Row> rows;
  for (const arith::Precision& p : runs) {
    Row r{io::run_layer(p, spec, sem), rows.empty(), {}, std::nullopt};
    rows.push_back(std::move(r));
    progress.update(++done);
  }
  for (Row& r : rows) {
    r.comparison = io::compare_runs(r.run, rows.front().run);
    if (spec.schedule) r.schedule = io::check_schedule(r.run, *spec.schedule, spec.input);
    progress.update(++done);
  }
  if (profile.reason.empty()) profile = io::layer_rank_profile(spec, opt.max_rank_length, cap, [&](std::size_t r) { progress.update(done + r); });
  progress.update(steps);
  progress.finish();

  // Notes: how numbers were read, assumptions the file leaves.
  std::vector<std::string> notes;
  if (spec.binary64_numbers > 0)
    notes.push_back(std::to_string(spec.binary64_numbers) + " JSON number" + (spec.binary64_numbers == 1 ? " was" : "s were") +
                    " read as " + (spec.binary64_numbers == 1 ? "its exact binary64 value" : "their exact binary64 values") +
                    " (write \"0.1\" for exactly 1/10)");
  if (spec.decays_outside_unit > 0)
    notes.push_back(std::to_string(spec.decays_outside_unit) + " decay" + (spec.decays_outside_unit == 1 ? " lies" : "s lie") +
                    " outside (0, 1] (THEORY §1.1 assumes 0 < a <= 1)");
  if (spec.schedule) {
    std::size_t fed = 0;
    for (std::size_t t = 0; t < spec.length(); ++t) fed += !spec.schedule->input_positions[t] && spec.input[t] != 0 ? 1 : 0;
    if (fed > 0)
      notes.push_back("the input is nonzero at " + std::to_string(fed) + " step" + (fed == 1 ? "" : "s") + " where the schedule " +
                      spec.schedule->name + " feeds 0");
  }

  std::vector<std::string> failing, undecided;
  for (const Row& r : rows)
    if (r.schedule) {
      if (r.schedule->holds.is_false()) failing.push_back(r.run.precision);
      if (r.schedule->holds.is_unknown()) undecided.push_back(r.run.precision);
    }
  const bool holds = failing.empty() && undecided.empty();
  const bool reference_is_enclosure = rows.front().run.enclosure;

  if (opt.json) {
    nlohmann::json input = nlohmann::json::array();
    for (const Rational& q : spec.input) input.push_back(to_string(q));
    nlohmann::json schedule = nullptr;
    if (spec.schedule) {
      nlohmann::json outputs = nlohmann::json::array(), sources = nlohmann::json::array();
      for (std::size_t k = 0; k < spec.schedule->outputs.size(); ++k) {
        outputs.push_back(spec.schedule->outputs[k] + 1);
        sources.push_back(spec.schedule->sources[k] + 1);
      }
      schedule = {{"name", spec.schedule->name}, {"outputs", outputs}, {"sources", sources}};
    }
    nlohmann::json results = nlohmann::json::array();
    for (const Row& r : rows) {
      const io::Comparison& c = r.comparison;
      nlohmann::json check = nullptr;
      if (r.schedule)
        check = {{"verdict", verdict_name(r.schedule->holds)},
                 {"max_error", to_string(r.schedule->max_error)},
                 {"first_failure_step", r.schedule->first_failure ? nlohmann::json(spec.schedule->outputs[*r.schedule->first_failure] + 1) : nlohmann::json(nullptr)}};
      results.push_back({{"precision", r.run.precision},
                         {"reference", r.reference},
                         {"exact_path", r.run.exact_path.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.run.exact_path)},
                         {"enclosure", r.run.enclosure},
                         {"outputs", outputs_json(r.run)},
                         {"flags", r.run.flags.to_string()},
                         {"max_deviation", to_string(c.max_deviation)},
                         {"max_deviation_step", step_or_null(c.max_step)},
                         {"first_deviation_step", step_or_null(c.first_step)},
                         {"first_nonfinite_step", step_or_null(c.first_nonfinite)},
                         {"max_width", to_string(c.max_width)},
                         {"schedule", check}});
    }
    // "ranks": the exact rank per block, null where only the bounds are known.
    nlohmann::json exact_ranks = nlohmann::json::array();
    for (std::size_t r = 0; r < profile.lower.size(); ++r)
      exact_ranks.push_back(profile.lower[r] == profile.upper[r] ? nlohmann::json(profile.lower[r]) : nlohmann::json(nullptr));
    const nlohmann::json ranks = {{"computed", profile.computed},
                                  {"ranks", exact_ranks},
                                  {"exact", profile.computed && profile.exact()},
                                  {"lower", profile.lower},
                                  {"upper", profile.upper},
                                  {"method", profile.computed ? nlohmann::json(profile.method()) : nlohmann::json(nullptr)},
                                  {"reason", profile.computed ? nlohmann::json(nullptr) : nlohmann::json(profile.reason)}};
    const nlohmann::json out = {{"file", opt.file},
                                {"description", spec.description},
                                {"layer", io::to_string(spec.kind())},
                                {"summary", spec.describe()},
                                {"N", spec.length()},
                                {"n", spec.state()},
                                {"input", input},
                                {"schedule", schedule},
                                {"semantics", sem.to_string()},
                                {"reference", reference.name},
                                {"binary64_numbers", spec.binary64_numbers},
                                {"notes", notes},
                                {"results", results},
                                {"rank_profile", ranks},
                                {"schedule_holds", spec.schedule ? nlohmann::json(holds) : nlohmann::json(nullptr)},
                                {"tool", kToolVersion}};
    emit_json(out);
  } else {
    std::vector<std::string> input;
    for (const Rational& q : spec.input) input.push_back(exact_or_decimal(q));
    std::printf("layer     %s  [%s]\n", spec.describe().c_str(), printable(opt.file).c_str());
    if (!spec.description.empty()) std::printf("about     %s\n", printable(spec.description, 1000).c_str());
    std::printf("input     %s\n", join(input).c_str());
    if (spec.schedule)
      std::printf("schedule  %s: decoded COPY, |y_i - u_pos(i)| < 1/2 at %zu output steps\n", spec.schedule->name.c_str(), spec.schedule->outputs.size());
    std::printf("reference %s\n", rows.front().run.enclosure ? (reference.name + " (certified enclosures; the layer needs exp)").c_str() : "exact");
    std::printf("rounding  %s\n", sem.to_string().c_str());
    for (const std::string& n : notes) std::printf("note      %s\n", n.c_str());
    for (const Row& r : rows) {
      std::vector<std::string> values;
      for (std::size_t t = 0; t < r.run.length(); ++t) values.push_back(value_text(r.run, t));
      std::string title = r.run.precision;
      if (r.reference) title += r.run.exact_path.empty() ? " (reference)" : " (reference, " + r.run.exact_path + " path)";
      std::printf("\n%s\n", title.c_str());
      std::printf("  outputs    %s\n", join(values).c_str());
      std::printf("  deviation  %s\n", deviation_text(r, reference_is_enclosure).c_str());
      if (!r.run.enclosure && r.run.exact_path.empty()) std::printf("  flags      %s\n", r.run.flags.to_string().c_str());
      if (r.schedule) std::printf("  schedule   %s\n", schedule_text(r, *spec.schedule, spec.input).c_str());
    }
    std::printf("\n");
    if (profile.computed) {
      // An exact rank prints as itself, a block known only within bounds as lo..hi.
      std::vector<std::string> ranks;
      long largest = 0;
      std::size_t open = 0;
      for (std::size_t r = 0; r < profile.lower.size(); ++r) {
        const bool known = profile.lower[r] == profile.upper[r];
        ranks.push_back(known ? std::to_string(profile.lower[r]) : std::to_string(profile.lower[r]) + ".." + std::to_string(profile.upper[r]));
        largest = std::max(largest, profile.upper[r]);
        open += known ? 0 : 1;
      }
      if (ranks.empty())
        std::printf("ranks     none: N = 1 has no split\n");
      else
        std::printf("ranks     %s\n          rank of M[r+1..N, 1..r] for r = 1..%zu, %s; largest %ld, n = %zu\n          by %s\n",
                    join(ranks).c_str(), spec.length() - 1,
                    open == 0 ? "exact" : (std::to_string(open) + " of " + std::to_string(ranks.size()) + " known only within bounds lo..hi").c_str(),
                    largest, spec.state(), profile.method().c_str());
    } else {
      std::printf("ranks     not computed: %s\n", profile.reason.c_str());
    }
    std::string result;
    if (!spec.schedule) {
      result = "evaluated in " + std::to_string(rows.size()) + " arithmetic" + (rows.size() == 1 ? "" : "s") + " (no schedule given)";
    } else if (holds) {
      result = "the schedule holds in every arithmetic";
    } else {
      auto list = [](const std::vector<std::string>& names) {
        std::string s;
        for (const std::string& n : names) s += (s.empty() ? "" : ", ") + n;
        return s;
      };
      if (!failing.empty()) result = "the schedule fails in " + list(failing);
      if (!undecided.empty()) result += std::string(result.empty() ? "the schedule is " : "; ") + "undecided in " + list(undecided);
    }
    std::printf("result    %s\n", result.c_str());
  }
  return spec.schedule && !holds ? 1 : 0;
}

}  // namespace
}  // namespace freelunch::cli::eval_command

namespace freelunch::cli {

void setup_eval(CLI::App& app, int& exit_code) {
  using namespace eval_command;
  auto opt = std::make_shared<EvalOptions>();
  CLI::App* sub = app.add_subcommand("eval", "Evaluate a layer of one's own from JSON per arithmetic: outputs, deviation, copy schedule, rank profile");
  sub->add_option("file", opt->file, "The layer file (docs/layer-json.md), or - for standard input")->required();
  sub->add_option("--precision", opt->precisions, "Comma-separated arithmetics (default exact,fp32,bf16,fp16; without exact for layers that need exp)");
  sub->add_option("--schedule", opt->schedule, "Copy schedule: full, reverse, shift:K, distance or I:P,I:P,... (overrides the file's)");
  sub->add_option("--semantics", opt->semantics, "Rounding semantics, e.g. fused,pairwise,storage=bf16");
  sub->add_option("--max-memory", opt->max_memory, "Memory cap for the estimates, e.g. 4G (default: MemAvailable)");
  sub->add_option("--max-time", opt->max_time, "Time cap for the estimate and the run, e.g. 90s, 10m, 2h (default: 10 min)");
  sub->add_flag("--quiet", opt->quiet, "No estimate or progress line on stderr");
  sub->add_option("--max-rank-length", opt->max_rank_length, "Largest N for the rank profile (its cost grows like N n^3)")->capture_default_str()->check(exact_integer<std::size_t>());
  sub->add_flag("--no-ranks", opt->no_ranks, "Skip the exact rank profile");
  sub->add_flag("--json", opt->json, "Print one JSON object instead of the text");
  sub->callback([opt, &exit_code] { exit_code = run_eval(*opt); });
}

}  // namespace freelunch::cli
