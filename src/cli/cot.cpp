// `freelunch cot`: one model generates the chain of thought of one DP problem on one input in one
// arithmetic (THEORY §3, dp/generate.hpp), and the tokens are compared with the direct solution.
// Exit 0 when every token is the expected one, 1 otherwise (a wrong token, no token, or an
// interval enclosure that does not certify one), 2 for usage errors.
//
//   freelunch cot kadane --input 3,1,4,1,5 --model mamba-local --precision fp16 [--json]
//   freelunch cot halfindex-mod --p 5 --random 64 --seed 3 --precision interval64
//
// --model defaults to mamba-local for the m-local problems (kadane, robber, trib-mod) and to
// mamba-general for the others; --precision to exact.
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <system_error>
#include <type_traits>
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
#include "core/version.hpp"
#include "dp/generate.hpp"
#include "dp/model.hpp"
#include "dp/problem.hpp"
#include "dp/stream.hpp"
#include "models/rounding_semantics.hpp"

namespace freelunch::cli::cot_command {
namespace {

struct CotCliOptions {
  std::string problem;
  std::optional<long> p;            // the modulus; only for the problems that have one
  std::optional<std::string> input;  // "3,1,4,1,5"
  std::optional<long> random;        // T, for an input drawn from --seed
  std::uint64_t seed = 1;
  std::string model;                 // empty: mamba-local for local problems, mamba-general otherwise
  std::string precision = "exact";
  std::string semantics;
  bool json = false;
  bool quiet = false;  // no estimate or progress line
  std::string max_time;  // empty: kDefaultTimeCap
};

// Generation feeds 2T + 1 tokens; the local models cost O(T) and the others O(T^2) in total.
constexpr long kMaxSteps = 1L << 20;           // every model
constexpr long kMaxStepsQuadratic = 1L << 12;  // mamba-general, transformer: cost ~T^2, minutes at the cap
constexpr long kDefaultModulus = 7;
constexpr std::size_t kShownTokens = 16;       // a row longer than 2 x 16 tokens shows both ends

// "3,1,4,1,5" -> {3, 1, 4, 1, 5}: integers separated by single commas; "" is the empty input.
std::vector<long> parse_input(const std::string& text) {
  std::vector<long> s;
  if (text.empty()) return s;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    const std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (item.empty()) throw UsageError("--input '" + text + "' has an empty item; write integers separated by commas, e.g. 3,1,4");
    long v = 0;
    const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), v);
    if (ec != std::errc() || end != item.data() + item.size())
      throw UsageError("--input item '" + item + "' is not an integer; write integers separated by commas, e.g. 3,1,4");
    s.push_back(v);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return s;
}

bool is_quadratic(dp::ModelKind kind) { return kind == dp::ModelKind::mamba_general || kind == dp::ModelKind::transformer; }

void check_length(long steps, dp::ModelKind kind) {
  if (steps > kMaxSteps) throw UsageError("T = " + std::to_string(steps) + " is above the limit " + std::to_string(kMaxSteps));
  if (is_quadratic(kind) && steps > kMaxStepsQuadratic)
    throw UsageError("T = " + std::to_string(steps) + " is above the limit " + std::to_string(kMaxStepsQuadratic) + " for " +
                     dp::to_string(kind) + " (its cost grows like T^2); mamba-local and transformer-window allow " +
                     std::to_string(kMaxSteps));
}

std::string token_text(const std::optional<long>& t) { return t ? std::to_string(*t) : "-"; }

// Tokens separated by spaces, with " |" before the indices in `bars`; more than 2 x 16 tokens
// show the first and last 16 around "...".
std::string join_tokens(const std::vector<std::string>& tokens, const std::set<std::size_t>& bars = {}) {
  std::string out;
  const bool elide = tokens.size() > 2 * kShownTokens;
  for (std::size_t k = 0; k < tokens.size(); ++k) {
    if (elide && k == kShownTokens) {
      out += " ...";
      k = tokens.size() - kShownTokens;
    }
    if (!out.empty()) out += bars.count(k) != 0 ? " | " : " ";
    out += tokens[k];
  }
  return out;
}

template <class T>
std::vector<std::string> texts(const std::vector<T>& values) {
  std::vector<std::string> out;
  out.reserve(values.size());
  for (const T& v : values) out.push_back(token_text(v));
  return out;
}

// The stream as generated: the start token, the inputs and the tokens written, up to where
// generation stopped; bars after the start token and, in blocks, between inputs and values.
std::string stream_text(const dp::Stream& stream, const std::vector<long>& input, const dp::CotOutcome& o) {
  std::vector<std::string> tokens{"0"};
  for (std::size_t t = 1; t < stream.length(); ++t) {
    const std::size_t i = stream.step_at(t);
    if (i == 0) {
      const std::size_t k = stream.layout() == dp::Layout::blocks ? t : (t + 1) / 2;
      tokens.push_back(std::to_string(input[k - 1]));
    } else if (i <= o.cot.size()) {
      tokens.push_back(token_text(o.cot[i - 1]));
    } else {
      break;
    }
  }
  std::set<std::size_t> bars{1};
  if (stream.layout() == dp::Layout::blocks) bars.insert(stream.steps() + 1);
  return join_tokens(tokens, bars);
}

std::size_t matching_tokens(const dp::CotOutcome& o) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < o.cot.size(); ++i) n += o.cot[i] && *o.cot[i] == o.expected[i] ? 1 : 0;
  return n;
}

std::string result_text(const dp::CotOutcome& o) {
  const std::size_t steps = o.expected.size();
  const std::string right = std::to_string(matching_tokens(o)) + " of " + std::to_string(steps) + " tokens";
  if (o.correct()) return "correct (" + right + "; largest read-out error " + short_decimal(o.max_readout_error) + ")";
  const std::size_t i = *o.first_wrong;
  const std::string dpi = "dp(" + std::to_string(i) + ")";
  const std::string expected = "expected " + std::to_string(o.expected[i - 1]);
  std::string what;
  if (o.first_wrong_token)
    what = "first wrong token " + dpi + " = " + std::to_string(*o.first_wrong_token) + ", " + expected;
  else if (o.state == dp::CotOutcome::State::undecided)
    what = "the enclosure of " + dpi + " certifies no token, " + expected;
  else
    what = "no token at " + dpi + " (non-finite, a tie or outside [-V, V]), " + expected;
  const std::string stopped = o.complete ? "" : "; generation stopped there";
  return dp::to_string(o.state) + ": " + what + " (" + right + " right" + stopped + ")";
}

int run_cot(const CotCliOptions& opt) {
  // The problem, the input and the model: usage errors before any arithmetic runs (but for the
  // softmax models in exact, which fail at their first exp).
  const dp::Problem problem = dp::parse_problem(opt.problem, opt.p.value_or(kDefaultModulus));
  if (opt.p && !problem.has_modulus())
    throw UsageError("--p applies to the problems with a modulus (halfindex-mod, trib-mod), not to " + problem.id());
  if (opt.input.has_value() == opt.random.has_value()) throw UsageError("give exactly one of --input and --random");
  const dp::ModelKind kind =
      opt.model.empty() ? (problem.is_local() ? dp::ModelKind::mamba_local : dp::ModelKind::mamba_general) : dp::parse_model(opt.model);
  std::vector<long> input;
  if (opt.random) {
    if (*opt.random < 1) throw UsageError("--random T must be at least 1 (got " + std::to_string(*opt.random) + ")");
    check_length(*opt.random, kind);
    input = problem.random_input(static_cast<std::size_t>(*opt.random), opt.seed);
  } else {
    input = parse_input(*opt.input);
    check_length(static_cast<long>(input.size()), kind);
  }
  problem.validate_input(input);
  const dp::Model model = dp::make_model(kind, problem, input.size());
  if (opt.precision.find(',') != std::string::npos)
    throw UsageError("--precision takes one arithmetic (got '" + opt.precision + "'); run once per arithmetic");
  const arith::Precision precision = arith::parse_precision(opt.precision);
  const models::RoundingSemantics sem = models::parse_rounding_semantics(opt.semantics);

  const TimeCap time_cap = time_cap_from(opt.max_time);
  const TimeEstimate need = dp::estimate_cot_time(problem, model, input.size(), precision);
  refuse_if_over(need, time_cap, "cot " + problem.id() + " with " + dp::to_string(kind) + " at T = " + std::to_string(input.size()),
                 "use a smaller T or a rounded arithmetic");
  if (!opt.quiet && need.seconds >= kAnnouncedSeconds)
    std::fprintf(stderr, "cot: about %s of work estimated (%s)\n", format_duration(need.seconds).c_str(), need.what.c_str());
  const ScopedDeadline deadline(time_cap.seconds, time_cap.text());

  // A progress line on stderr for long chains (a terminal after a second, a log once a minute).
  std::optional<Progress> progress;
  dp::CotOptions options;
  options.on_position = [&](std::size_t done, std::size_t total) {
    if (!progress) progress.emplace("cot " + problem.id(), total, !opt.quiet, "positions");
    progress->update(done);
  };
  const dp::CotOutcome o =
      arith::with_arithmetic(precision, [&](const auto& ar) { return dp::generate_cot(ar, problem, model, input, sem, options); });
  if (progress) progress->finish();

  if (opt.json) {
    auto values = [](const auto& v) {
      nlohmann::json a = nlohmann::json::array();
      for (const auto& x : v) {
        if constexpr (std::is_same_v<std::decay_t<decltype(x)>, std::optional<long>>)
          a.push_back(x ? nlohmann::json(*x) : nlohmann::json(nullptr));
        else
          a.push_back(x);
      }
      return a;
    };
    const nlohmann::json counters = {{"mul_adds_total", o.counters.mul_adds_total},
                                     {"mul_adds_last_step", o.counters.mul_adds_last_step},
                                     {"mul_adds_max_step", o.counters.mul_adds_max_step},
                                     {"state_numbers", o.counters.state_numbers},
                                     {"relu_units", o.counters.relu_units}};
    const nlohmann::json out = {{"problem", problem.name()},
                                {"rule", problem.rule()},
                                {"model", model.describe()},
                                {"precision", precision.name},
                                {"semantics", sem.to_string()},
                                {"seed", opt.random ? nlohmann::json(opt.seed) : nlohmann::json(nullptr)},
                                {"input", values(input)},
                                {"cot", values(o.cot)},
                                {"expected", values(o.expected)},
                                {"matches", o.correct()},
                                {"state", dp::to_string(o.state)},
                                {"first_wrong", o.first_wrong ? nlohmann::json(*o.first_wrong) : nlohmann::json(nullptr)},
                                {"first_wrong_token", o.first_wrong_token ? nlohmann::json(*o.first_wrong_token) : nlohmann::json(nullptr)},
                                {"complete", o.complete},
                                {"max_readout_error", o.max_readout_error.str()},
                                {"counters", counters},
                                {"tool", kToolVersion}};
    emit_json(out);
  } else {
    const dp::Stream stream = dp::Stream::for_problem(problem, input.size());
    std::printf("problem   %s: %s\n", problem.name().c_str(), problem.rule().c_str());
    std::printf("model     %s, precision %s, semantics %s\n", model.describe().c_str(), precision.name.c_str(), sem.to_string().c_str());
    const std::string drawn = opt.random ? "   (T = " + std::to_string(input.size()) + ", random, seed " + std::to_string(opt.seed) + ")" : "";
    std::printf("input     %s%s\n", join_tokens(texts(input)).c_str(), drawn.c_str());
    std::printf("stream    %s\n", stream_text(stream, input, o).c_str());
    std::printf("cot       %s\n", join_tokens(texts(o.cot)).c_str());
    std::printf("expected  %s\n", join_tokens(texts(o.expected)).c_str());
    std::printf("result    %s\n", result_text(o).c_str());
    std::printf("counters  state %llu numbers, %llu multiply-adds in total, %llu at the last step (at most %llu), ReLU units per step %llu\n",
                static_cast<unsigned long long>(o.counters.state_numbers), static_cast<unsigned long long>(o.counters.mul_adds_total),
                static_cast<unsigned long long>(o.counters.mul_adds_last_step), static_cast<unsigned long long>(o.counters.mul_adds_max_step),
                static_cast<unsigned long long>(o.counters.relu_units));
  }
  return o.correct() ? 0 : 1;
}

}  // namespace
}  // namespace freelunch::cli::cot_command

namespace freelunch::cli {

void setup_cot(CLI::App& app, int& exit_code) {
  using namespace cot_command;
  auto opt = std::make_shared<CotCliOptions>();
  CLI::App* sub = app.add_subcommand("cot", "Generate one DP problem's chain of thought with one model in one arithmetic and compare it with the direct solution");
  sub->add_option("problem", opt->problem, "halfindex-mod, lis, kadane, robber or trib-mod")->required();
  sub->add_option("--p", opt->p, "Modulus of halfindex-mod and trib-mod, 2..1000 (default 7)")->check(exact_integer<long>());
  CLI::Option* input = sub->add_option("--input", opt->input, "The input s_1..s_T, comma-separated, e.g. 3,1,4,1,5")->expected(0, 1);
  CLI::Option* random = sub->add_option("--random", opt->random, "Draw an input of length T from --seed instead")->check(exact_integer<long>());
  input->excludes(random);
  sub->add_option("--seed", opt->seed, "Seed of --random")->capture_default_str()->needs(random)->check(exact_integer<std::uint64_t>());
  sub->add_option("--model", opt->model, "mamba-general, mamba-local, transformer or transformer-window (default: mamba-local for local problems, mamba-general otherwise)");
  sub->add_option("--precision", opt->precision, "One arithmetic")->capture_default_str();
  sub->add_option("--semantics", opt->semantics, "Rounding semantics, e.g. fused,pairwise,storage=bf16");
  sub->add_option("--max-time", opt->max_time, "Time cap for the estimate and the run, e.g. 90s, 10m, 2h (default: 10 min)");
  sub->add_flag("--quiet", opt->quiet, "No estimate or progress line on stderr");
  sub->add_flag("--json", opt->json, "Print one JSON object instead of the text");
  sub->callback([opt, &exit_code] { exit_code = run_cot(*opt); });
}

}  // namespace freelunch::cli
