// `freelunch copy`: evaluates one slot-copy construction (T3's, tasks/slot_copy.hpp) in several
// arithmetics and says, per arithmetic, whether it copies, its largest error and its first failing
// output. Exit 0 when every listed arithmetic copies, 1 otherwise, 2 for usage errors.
//
//   freelunch copy --schedule full --L 64 --state 64 --decay 9/10 --split balanced
//                  --precision exact,fp16,bf16 [--values pm1] [--shift k] [--json]
//
// --L is the copy length for full and reverse, the distance for distance, N for shift, and the
// number of key-value pairs (and of queries) for recall.
// With --state below the number of sources, the first n sources get a slot and the other outputs
// read nothing (T1b: a small state must drop tokens). Every value of the set is tried at every
// output, which covers all input sequences (an output depends on its source value only).
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
#include "core/progress.hpp"
#include "core/time_cap.hpp"
#include "core/result.hpp"
#include "core/version.hpp"
#include "io/memory.hpp"
#include "models/rounding_semantics.hpp"
#include "tasks/slot_copy.hpp"
#include "tasks/slot_copy_eval.hpp"

namespace freelunch::cli::copy_command {
namespace {

struct CopyOptions {
  std::string schedule = "full";
  long length = 0;
  std::optional<long> state;  // none: one slot per source
  long shift = 1;
  std::uint64_t seed = 1;  // recall: the keys and queries
  std::string decay = "1/2";
  std::string split = "balanced";
  std::string precisions = "exact,fp32,bf16,fp16";
  std::string values = "pm1";
  std::string semantics;
  std::string max_memory;  // empty: MemAvailable
  std::string max_time;    // empty: kDefaultTimeCap
  bool json = false;
  bool quiet = false;  // no progress line
};

// Full copy of 2^16 tokens evaluates 2^16 outputs over distances up to 2^16 per value: the
// structured evaluation is O(outputs x distance x |V|) at worst.
constexpr long kMaxLength = 65536;

struct Row {
  std::string precision;
  Verdict verdict;
  tasks::CopyOutcome outcome;
  std::optional<std::size_t> first_failure_step;  // 1-based position i of the first failing output
};

int run_copy(const CopyOptions& opt) {
  if (opt.length < 1) throw UsageError("--L must be at least 1 (got " + std::to_string(opt.length) + ")");
  if (opt.length > kMaxLength) throw UsageError("--L " + std::to_string(opt.length) + " is above the limit " + std::to_string(kMaxLength));
  if (opt.state && *opt.state < 1) throw UsageError("--state n must be at least 1 (got " + std::to_string(*opt.state) + ")");
  if (opt.shift < 0) throw UsageError("--shift must be non-negative");
  const Rational decay = parse_rational(opt.decay);
  const tasks::Compensation split = tasks::parse_compensation(opt.split);
  const tasks::ValueSet values = tasks::parse_value_set(opt.values);
  const models::RoundingSemantics sem = models::parse_rounding_semantics(opt.semantics);
  const auto precisions = arith::parse_precision_list(opt.precisions);
  const tasks::CopySchedule schedule =
      tasks::make_schedule(opt.schedule, static_cast<std::size_t>(opt.length), static_cast<std::size_t>(opt.shift), opt.seed);
  const tasks::SlotCopyLayer layer(schedule, decay, split,
                                   opt.state ? std::optional<std::size_t>(static_cast<std::size_t>(*opt.state)) : std::nullopt);

  // Refuse before running what would exhaust memory (GMP aborts the process when it cannot allocate).
  const bool cap_given = !opt.max_memory.empty();
  const std::uint64_t cap = cap_given ? io::parse_byte_size(opt.max_memory) : io::default_memory_cap();
  const TimeCap time_cap = time_cap_from(opt.max_time);
  TimeEstimate total;
  double largest = -1;
  for (const arith::Precision& prec : precisions) {
    const tasks::SlotCopyEstimate need = tasks::estimate_slot_copy(layer, values, prec);
    total.seconds += need.time.seconds;
    if (need.time.seconds > largest) largest = need.time.seconds, total.what = "mostly " + need.time.what;
    if (need.bytes > static_cast<double>(cap))
      throw UsageError("copy in " + prec.name + " needs about " + io::format_bytes(need.bytes) + " (" + need.what + "), above the memory cap " +
                       io::format_bytes(static_cast<double>(cap)) + " (" + (cap_given ? "--max-memory" : io::available_memory() ? "MemAvailable" : "the fallback cap") +
                       "); use a smaller --L, or raise the cap with --max-memory");
  }

  refuse_if_over(total, time_cap, "copy", "use a smaller --L or fewer arithmetics");
  if (!opt.quiet && total.seconds >= kAnnouncedSeconds)
    std::fprintf(stderr, "copy: about %s of work estimated (%s)\n", format_duration(total.seconds).c_str(), total.what.c_str());
  const ScopedDeadline deadline(time_cap.seconds, time_cap.text());

  std::vector<Row> rows;
  for (const arith::Precision& prec : precisions) {
    rows.push_back(arith::with_arithmetic(prec, [&](const auto& ar) -> Row {
      using A = std::decay_t<decltype(ar)>;
      Progress progress("copy " + prec.name, schedule.outputs.size(), !opt.quiet, "outputs");
      const tasks::CopyOutcome o = tasks::evaluate_slot_copy(ar, layer, values, tasks::CopyCriterion{}, sem,
                                                             [&](std::size_t done, std::size_t) { progress.update(done); });
      progress.finish();
      const bool certain = A::is_exact || A::is_certified;
      const Verdict v = verdict_of(o.holds(), certain);  // undecided stays undecided
      std::optional<std::size_t> step;
      if (o.first_failure) step = schedule.outputs[*o.first_failure] + 1;
      return {prec.name, v, o, step};
    }));
  }
  bool all_copy = true;
  for (const Row& r : rows) all_copy = all_copy && r.outcome.copies();

  if (opt.json) {
    nlohmann::json out = {{"schedule", schedule.name}, {"L", opt.length}, {"state", layer.state()}, {"decay", decay.str()},
                          {"split", tasks::to_string(split)}, {"values", values.name()}, {"criterion", tasks::CopyCriterion{}.name()},
                          {"semantics", sem.to_string()}, {"tool", kToolVersion}, {"results", nlohmann::json::array()}};
    for (const Row& r : rows)
      out["results"].push_back({{"precision", r.precision},
                                {"copies", r.outcome.copies()},
                                {"verdict", to_string(r.verdict)},
                                {"max_error", r.outcome.max_error.str()},
                                {"first_failure", r.outcome.first_failure ? nlohmann::json(*r.outcome.first_failure) : nlohmann::json(nullptr)},
                                {"first_failure_step", r.first_failure_step ? nlohmann::json(*r.first_failure_step) : nlohmann::json(nullptr)},
                                {"detail", r.outcome.describe()}});
    emit_json(out);
  } else {
    std::printf("copy: %s, state n = %zu, decay %s, %s split, values %s, decoded; rounding %s\n", schedule.name.c_str(), layer.state(),
                decay.str().c_str(), tasks::to_string(split).c_str(), values.name().c_str(), sem.to_string().c_str());
    std::printf("  %-12s %-18s %-12s %s\n", "precision", "verdict", "max error", "first failure");
    for (const Row& r : rows) {
      std::string first = "-";
      if (r.outcome.first_failure)
        first = "step " + std::to_string(*r.first_failure_step) + " (source " + std::to_string(schedule.sources[*r.outcome.first_failure] + 1) + ")" +
                (r.outcome.failing_value ? ", value " + r.outcome.failing_value->str() : "") + (r.outcome.non_finite ? ", non-finite" : "");
      std::printf("  %-12s %-18s %-12s %s\n", r.precision.c_str(), to_string(r.verdict).c_str(), short_decimal(r.outcome.max_error).c_str(),
                  first.c_str());
    }
  }
  return all_copy ? 0 : 1;
}

}  // namespace
}  // namespace freelunch::cli::copy_command

namespace freelunch::cli {

void setup_copy(CLI::App& app, int& exit_code) {
  using namespace copy_command;
  auto opt = std::make_shared<CopyOptions>();
  CLI::App* sub = app.add_subcommand("copy", "Evaluate one slot-copy construction (T3) per arithmetic: does it copy, largest error, first failure");
  sub->add_option("--schedule", opt->schedule, "full, reverse, shift, distance or recall")->capture_default_str();
  sub->add_option("--seed", opt->seed, "Seed of the recall keys and queries")->capture_default_str()->check(exact_integer<std::uint64_t>());
  sub->add_option("--L", opt->length, "Copy length (full, reverse), distance (distance), N (shift), pairs (recall)")->required()->check(exact_integer<long>());
  sub->add_option("--state", opt->state, "State size n (default: one slot per source)")->check(exact_integer<long>());
  sub->add_option("--shift", opt->shift, "k for --schedule shift")->capture_default_str();
  sub->add_option("--decay", opt->decay, "Scalar decay a in (0, 1], e.g. 9/10")->capture_default_str();
  sub->add_option("--split", opt->split, "Compensation: query, balanced or idealized (a = 1)")->capture_default_str();
  sub->add_option("--precision", opt->precisions, "Comma-separated arithmetics")->capture_default_str();
  sub->add_option("--values", opt->values, "Value set: pm1, int:V or alphabet:K")->capture_default_str();
  sub->add_option("--semantics", opt->semantics, "Rounding semantics, e.g. fused,pairwise,storage=bf16");
  sub->add_option("--max-memory", opt->max_memory, "Memory cap for the estimate, e.g. 4G (default: MemAvailable)");
  sub->add_option("--max-time", opt->max_time, "Time cap for the estimate and the run, e.g. 90s, 10m, 2h (default: 10 min)");
  sub->add_flag("--quiet", opt->quiet, "No estimate or progress line on stderr");
  sub->add_flag("--json", opt->json, "Print one JSON object instead of the table");
  sub->callback([opt, &exit_code] { exit_code = run_copy(*opt); });
}

}  // namespace freelunch::cli
