#define BOOST_TEST_MODULE layer_json
#include "support/test_support.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "arith/errors.hpp"
#include "arith/precision.hpp"
#include "core/random.hpp"
#include "io/layer_eval.hpp"
#include "io/layer_json.hpp"
#include "io/memory.hpp"
#include "tasks/slot_copy.hpp"

using namespace freelunch;
using namespace freelunch::io;

namespace {

constexpr std::uint64_t kCap = std::uint64_t{1} << 30;

std::string source_path(const std::string& rel) { return std::string(FREELUNCH_SOURCE_DIR) + "/" + rel; }

// The message of the UsageError that parsing `text` raises ("" when it parses).
std::string error_of(const std::string& text, std::uint64_t cap = kCap) {
  try {
    parse_layer_json(text, cap);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "";
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

// A small scan with N = 3, n = 1 in which one field is replaced by `field: value`.
std::string scan_with(const std::string& field, const std::string& value) {
  nlohmann::json j = nlohmann::json::parse(R"({"scan": {"a": ["1/2", "1/2", "1/2"], "b": [[1], [0], [0]], "c": [[0], [0], [4]]}, "input": [1, 0, 0]})");
  nlohmann::json::json_pointer p(field);
  if (value.empty()) {
    j[p.parent_pointer()].erase(p.back());
  } else {
    j[p] = nlohmann::json::parse(value);
  }
  return j.dump();
}

std::string exact_text(const Rational& q) {
  std::string s(1, '"');
  s += to_string(q);
  s += '"';
  return s;
}

// A random scan (exact strings) with N steps and n states, per-state or scalar decay.
std::string random_scan_json(Rng& rng, std::size_t length, std::size_t n, bool scalar) {
  auto row = [&](auto make) {
    std::string s = "[";
    for (std::size_t k = 0; k < n; ++k) s += (k ? ", " : "") + make();
    return s + "]";
  };
  auto rows = [&](auto make) {
    std::string s = "[";
    for (std::size_t t = 0; t < length; ++t) s += (t ? ", " : "") + row(make);
    return s + "]";
  };
  auto entry = [&] { return exact_text(rng.nonzero_rational(3, 5)); };
  auto decay = [&] { return exact_text(rng.decay(9)); };
  std::string a;
  if (scalar) {
    a = "[";
    for (std::size_t t = 0; t < length; ++t) a += (t ? ", " : "") + decay();
    a += "]";
  } else {
    a = rows(decay);
  }
  std::string input = "[";
  for (std::size_t t = 0; t < length; ++t) input += (t ? ", " : "") + entry();
  input += "]";
  return R"({"scan": {"a": )" + a + R"(, "b": )" + rows(entry) + R"(, "c": )" + rows(entry) + R"(}, "input": )" + input + "}";
}

const models::RoundingSemantics kSem;

LayerRun run(const std::string& precision, const LayerSpec& spec) { return run_layer(arith::parse_precision(precision), spec, kSem); }

}  // namespace

// The three ways to write a number: a decimal string is its exact decimal value, a fraction is
// itself, a JSON number is the binary64 number it rounds to (and is counted); JSON integers are
// exact and not counted.
BOOST_AUTO_TEST_CASE(decimal_strings_are_exact_and_json_numbers_binary64) {
  const LayerSpec s = parse_layer_json(R"({"scan": {"a": ["0.1", 0.1, "9/10", 7], "b": [[1], [1], [1], [1]], "c": [[1], [1], [1], [1]]},
                                           "input": ["-2.5e-3", 1e-3, 3, "1/3"]})", kCap);
  const auto& p = std::get<models::ScanParams<Rational>>(s.layer);
  BOOST_TEST(p.a[0] == Rational(1, 10));
  BOOST_TEST(p.a[1] == Rational(Integer("3602879701896397"), Integer("36028797018963968")));
  BOOST_TEST(p.a[1] != Rational(1, 10));
  BOOST_TEST(p.a[2] == Rational(9, 10));
  BOOST_TEST(p.a[3] == Rational(7));
  BOOST_TEST(s.input[0] == Rational(-1, 400));
  BOOST_TEST(s.input[1] == rational_from_double(1e-3));
  BOOST_TEST(s.input[3] == Rational(1, 3));
  BOOST_TEST(s.binary64_numbers == 2u);
  BOOST_TEST(s.decays_outside_unit == 1u);  // the decay 7
  BOOST_TEST((p.decay_kind == models::DecayKind::scalar));
  BOOST_TEST(s.length() == 4u);
  BOOST_TEST(s.state() == 1u);
}

// Every problem names the JSON pointer of the offending value first.
BOOST_AUTO_TEST_CASE(errors_name_the_path) {
  BOOST_TEST(error_of(scan_with("/scan/b/2", "[0, 1]")) == "/scan/b/2: expected n = 1 (the length of /scan/b/0) entries, got 2");
  BOOST_TEST(starts_with(error_of(scan_with("/scan/c", "[[0], [0]]")), "/scan/c: expected N = 3 (the length of /input) rows, got 2"));
  BOOST_TEST(starts_with(error_of(scan_with("/scan/a", "[[0.5], [0.5], [0.5, 0.5]]")), "/scan/a/2: expected n = 1"));
  BOOST_TEST(starts_with(error_of(scan_with("/scan/a", R"(["1/2", "1/2"])")), "/scan/a: expected N = 3"));
  BOOST_TEST(starts_with(error_of(scan_with("/scan/c", "")), "/scan/c: missing"));
  BOOST_TEST(starts_with(error_of(scan_with("/input", "")), "/input: missing"));
  BOOST_TEST(starts_with(error_of(scan_with("/scan/d", "1")), "/scan/d: unknown field"));
  BOOST_TEST(starts_with(error_of(scan_with("/extra", "1")), "/extra: unknown field"));
  BOOST_TEST(starts_with(error_of(scan_with("/scan/a/1", "null")), "/scan/a/1: expected a number"));
  BOOST_TEST(starts_with(error_of(scan_with("/scan/a/1", "\"inf\"")), "/scan/a/1: \"inf\" is not finite"));
  BOOST_TEST(starts_with(error_of(scan_with("/scan/a/1", "\"-NaN\"")), "/scan/a/1: \"-NaN\" is not finite"));
  BOOST_TEST(starts_with(error_of(scan_with("/scan/a/1", "\"1/0\"")), "/scan/a/1: '1/0' is not a number: zero denominator"));
  BOOST_TEST(starts_with(error_of(scan_with("/scan/D", "\"x\"")), "/scan/D: 'x' is not a number"));
  BOOST_TEST(starts_with(error_of(scan_with("/input", "[]")), "/input: expected at least one entry"));
  BOOST_TEST(starts_with(error_of(scan_with("/schedule", "\"shift:3\"")), "/schedule: shift 3 needs N > k"));
  BOOST_TEST(starts_with(error_of(scan_with("/schedule", "[[2, 3]]")), "/schedule/0: pos 3 comes after the output step 2"));
  BOOST_TEST(starts_with(error_of(scan_with("/schedule", "[[4, 1]]")), "/schedule/0/0: expected a step 1..N = 3"));
  BOOST_TEST(starts_with(error_of(R"({"input": [1]})"), "/: expected exactly one layer field"));
  BOOST_TEST(starts_with(error_of(R"([1, 2])"), "/: expected an object"));
  // Malformed JSON and a JSON number beyond binary64: the pointer of where the parser stopped.
  BOOST_TEST(error_of("{\"scan\": {\"a\": [0.5, 0.5,, 0.5]}}") ==
             "/scan/a/2: malformed JSON at line 1, column 26: syntax error while parsing value - unexpected ','; expected '[', '{', or a literal");
  BOOST_TEST(starts_with(error_of("{\"input\": [1, 2],\n \"scan\": {\"c\": [[1], 1e400]}}"), "/scan/c/1: the JSON number 1e400 (line 2, column 26) is not finite"));
  BOOST_TEST(starts_with(error_of("{\"input\": [1, 2"), "/input/2: malformed JSON at line 1, column 16"));
  BOOST_TEST(error_of(R"({"input": [1], "scan": {"a": [1], "b": [[1]], "a": [1], "c": [[1]]}})") == "/scan/a: the key appears twice in its object");
  // Mamba's signs (THEORY §1.1).
  const std::string mamba = R"({"mamba": {"delta": ["0.1", "0.2"], "A": ["-1", "-2"], "B": [[1, 1], [1, 1]], "C": [[1, 1], [1, 1]]}, "input": [1, 2]})";
  BOOST_TEST(error_of(mamba).empty());
  nlohmann::json m = nlohmann::json::parse(mamba);
  m["mamba"]["A"][1] = "1/2";
  BOOST_TEST(starts_with(error_of(m.dump()), "/mamba/A/1: A must be negative"));
  m = nlohmann::json::parse(mamba);
  m["mamba"]["delta"][0] = 0;
  BOOST_TEST(starts_with(error_of(m.dump()), "/mamba/delta/0: delta must be positive"));
  m["mamba"]["delta_softplus"] = true;  // a pre-activation may be any rational
  BOOST_TEST(error_of(m.dump()).empty());
  m["mamba"]["discretization"] = "rk4";
  BOOST_TEST(starts_with(error_of(m.dump()), "/mamba/discretization: unknown discretization \"rk4\""));
}

// The exact parameters may not outgrow the memory cap while they are read.
BOOST_AUTO_TEST_CASE(huge_numbers_hit_the_memory_cap) {
  const std::string text = scan_with("/scan/a", R"(["1e-999999", "1e-999999", "1e-999999"])");
  BOOST_TEST(error_of(text).empty());
  BOOST_TEST(starts_with(error_of(text, 600000), "/scan/a/1: the exact parameters read so far need about"));
  const LayerSpec s = parse_layer_json(text, kCap);
  // Three decays of ~3.3 million bits: the state after three steps has ~10^7 bits.
  const MemoryEstimate e = estimate_run(s, arith::parse_precision("exact")).memory;
  BOOST_TEST(e.bytes > 3 * 3321929 / 8.0);
  BOOST_TEST(estimate_run(s, arith::parse_precision("fp16")).memory.bytes < 1000);
  BOOST_TEST(parse_byte_size("4G") == std::uint64_t{4} << 30);
  BOOST_TEST(parse_byte_size("512k") == std::uint64_t{512} << 10);
  BOOST_TEST(parse_byte_size("4096") == 4096u);
  BOOST_CHECK_THROW(parse_byte_size("4GB"), UsageError);
  BOOST_CHECK_THROW(parse_byte_size("0"), UsageError);
  BOOST_CHECK_THROW(parse_byte_size("99999999999T"), UsageError);
  BOOST_TEST(bit_size(Rational(1, 10)) == 5u);
  BOOST_TEST(bit_size(Rational(0)) == 2u);
}

// The exact-run estimate bounds the outputs it counts: for random dyadic data (float32-like
// values, exact's dyadic path) and for rational data (decays k/9), the estimate is at least the
// bytes of the exact outputs, 64 plus bits/8 each.
BOOST_AUTO_TEST_CASE(exact_estimate_bounds_the_outputs) {
  Rng rng(testing::seed());
  for (std::uint64_t it = 0; it < testing::iterations(4); ++it) {
    const bool dyadic = it % 2 == 0;
    std::string text;
    if (dyadic) {
      auto f32 = [&] { return static_cast<double>(static_cast<float>(rng.uniform(-1000000, 1000000)) / 1048576.0f); };
      nlohmann::json j = nlohmann::json::parse(random_scan_json(rng, 40, 3, false));
      for (auto* field : {&j["scan"]["b"], &j["scan"]["c"]})
        for (auto& row : *field)
          for (auto& x : row) x = f32();
      for (auto& x : j["input"]) x = f32();
      for (auto& row : j["scan"]["a"])
        for (auto& x : row) x = static_cast<double>(static_cast<float>(rng.uniform(1, 1048575)) / 1048576.0f);
      text = j.dump();
    } else {
      text = random_scan_json(rng, 40, 3, false);
    }
    BOOST_TEST_CONTEXT("iteration " << it << ": " << text) {
      const LayerSpec s = parse_layer_json(text, kCap);
      const LayerRun y = run("exact", s);
      BOOST_TEST(y.exact_path == (dyadic ? "dyadic" : "rational"));
      double bytes = 0;
      for (std::size_t t = 0; t < y.length(); ++t) bytes += 64 + static_cast<double>(bit_size(*y.lower[t])) / 8;
      const MemoryEstimate e = estimate_run(s, arith::parse_precision("exact")).memory;
      BOOST_TEST(e.bytes >= bytes);
      BOOST_TEST(e.what.find(dyadic ? "dyadic size bound" : "rational size bound") != std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_CASE(schedules_from_text) {
  BOOST_TEST(parse_schedule("full", 8).name == "full L=4");
  BOOST_TEST(parse_schedule("reverse", 8).sources.front() == 3u);
  BOOST_TEST(parse_schedule("shift:2", 8).outputs.size() == 6u);
  BOOST_TEST(parse_schedule("distance", 8).outputs == std::vector<std::size_t>{7});
  const tasks::CopySchedule s = parse_schedule("5:1,3:3", 6);
  BOOST_TEST(s.outputs == (std::vector<std::size_t>{2, 4}));
  BOOST_TEST(s.sources == (std::vector<std::size_t>{2, 0}));
  BOOST_CHECK_THROW(parse_schedule("full", 7), UsageError);
  BOOST_CHECK_THROW(parse_schedule("recall", 8), UsageError);
  BOOST_CHECK_THROW(parse_schedule("3:4", 8), UsageError);
  BOOST_CHECK_THROW(parse_schedule("9:1", 8), UsageError);
  BOOST_CHECK_THROW(parse_schedule("3:1,3:2", 8), UsageError);
  BOOST_CHECK_THROW(parse_schedule("3:x", 8), UsageError);
  BOOST_CHECK_THROW(parse_schedule("shift:", 8), UsageError);
}

// The shipped T3 example is T3's construction (slot_copy.hpp) with the query split, and its exact
// outputs are the inputs copied: y_(16 + r) = u_r, zero before. In fp16 the query a^-16 = 65536
// overflows (T1a): the first output step is not finite and the schedule fails there.
BOOST_AUTO_TEST_CASE(t3_example_copies_its_input) {
  const LayerSpec s = read_layer_file(source_path("docs/examples/t3-slot-copy.json"), kCap);
  const std::size_t copy_length = 16;
  const tasks::SlotCopyLayer t3(tasks::full_copy_schedule(copy_length), Rational(1, 2), tasks::Compensation::query);
  const models::ScanParams<Rational> dense = t3.dense();
  const auto& p = std::get<models::ScanParams<Rational>>(s.layer);
  BOOST_TEST(p.a == dense.a);
  BOOST_TEST(p.b == dense.b);
  BOOST_TEST(p.c == dense.c);
  BOOST_TEST(s.schedule->name == "full L=16");
  BOOST_TEST(s.binary64_numbers == 0u);

  const LayerRun exact = run("exact", s);
  for (std::size_t t = 0; t < 2 * copy_length; ++t)
    BOOST_TEST(*exact.lower[t] == (t < copy_length ? Rational(0) : s.input[t - copy_length]), "step " << t + 1);
  BOOST_TEST(check_schedule(exact, *s.schedule, s.input).holds.is_true());

  const LayerRun fp16 = run("fp16", s);
  const Comparison c = compare_runs(fp16, exact);
  BOOST_TEST(c.first_nonfinite.value() == copy_length);
  BOOST_TEST(fp16.flags.test(arith::Flag::overflow));
  const ScheduleCheck f = check_schedule(fp16, *s.schedule, s.input);
  BOOST_TEST(f.holds.is_false());
  BOOST_TEST(f.first_failure.value() == 0u);

  const LayerRun bf16 = run("bf16", s);
  BOOST_TEST(check_schedule(bf16, *s.schedule, s.input).holds.is_true());
  // 1/3 at step 14 reaches step 30 as bf16's 171/512.
  const Comparison b = compare_runs(bf16, exact);
  BOOST_TEST(b.max_deviation == Rational(1, 1536));
  BOOST_TEST(b.max_step.value() == 29u);
  BOOST_TEST(b.first_step.value() == 26u);  // 1/10 at step 27

  const RankProfile r = layer_rank_profile(s, 64, kCap);
  BOOST_TEST_REQUIRE(r.computed);
  BOOST_TEST(r.exact());
  for (std::size_t k = 1; k < 2 * copy_length; ++k) BOOST_TEST(r.lower[k - 1] == static_cast<long>(std::min(k, 2 * copy_length - k)));
}

// Random scans with n = 2, N = 8: the exact profile is min(n, r, N - r) (THEORY §1.2: rank <= n,
// and generic parameters reach it); linear attention with the same queries, keys and decays has
// the same profile and the same exact outputs as the scalar-decay scan.
BOOST_AUTO_TEST_CASE(random_scan_rank_profile_is_generic) {
  Rng rng(testing::seed());
  const std::size_t length = 8, n = 2;
  for (std::uint64_t it = 0; it < testing::iterations(6); ++it) {
    const bool scalar = it % 2 == 1;
    const std::string text = random_scan_json(rng, length, n, scalar);
    BOOST_TEST_CONTEXT("seed " << testing::seed() << " iteration " << it << ": " << text) {
      const LayerSpec s = parse_layer_json(text, kCap);
      const RankProfile r = layer_rank_profile(s, 64, kCap);
      BOOST_TEST_REQUIRE(r.computed);
      BOOST_TEST_REQUIRE(r.lower.size() == length - 1);
      BOOST_TEST(r.exact());
      for (std::size_t k = 1; k < length; ++k) BOOST_TEST(r.lower[k - 1] == static_cast<long>(std::min({n, k, length - k})), "r = " << k);
      if (!scalar) continue;
      const auto& p = std::get<models::ScanParams<Rational>>(s.layer);
      nlohmann::json la = nlohmann::json::parse(text);
      la["linear_attention"] = {{"q", la["scan"]["c"]}, {"k", la["scan"]["b"]}, {"decay", la["scan"]["a"]}};
      la.erase("scan");
      const LayerSpec t = parse_layer_json(la.dump(), kCap);
      BOOST_TEST(layer_rank_profile(t, 64, kCap).lower == r.lower);
      const LayerRun ys = run("exact", s), yt = run("exact", t);
      BOOST_TEST(compare_runs(yt, ys).max_deviation == Rational(0));
      BOOST_TEST(!compare_runs(yt, ys).first_step);
      BOOST_TEST(p.state == n);
    }
  }
}

// The rank profile is refused, with a reason, where it cannot be exact or would be too costly.
BOOST_AUTO_TEST_CASE(rank_profile_reasons) {
  const LayerSpec mamba = read_layer_file(source_path("docs/examples/mamba-channel.json"), kCap);
  BOOST_TEST(!layer_rank_profile(mamba, 64, kCap).computed);
  BOOST_TEST(layer_rank_profile(mamba, 64, kCap).reason.find("irrational") != std::string::npos);
  const LayerSpec t3 = read_layer_file(source_path("docs/examples/t3-slot-copy.json"), kCap);
  BOOST_TEST(layer_rank_profile(t3, 16, kCap).reason.find("N = 32 is above 16") != std::string::npos);
  BOOST_TEST(layer_rank_profile(t3, 64, 1000).reason.find("above the memory cap") != std::string::npos);
}

// Layers that need exp: the interval reference contains the exact value each rounded run is
// compared with, so an mpfr200 run lies within the interval256 enclosure up to 2^-190 and an fp64
// run deviates by less than 2^-40; softmax with a clear winner copies.
BOOST_AUTO_TEST_CASE(exp_layers_against_their_enclosure) {
  const LayerSpec mamba = read_layer_file(source_path("docs/examples/mamba-channel.json"), kCap);
  BOOST_TEST(mamba.binary64_numbers == 577u);
  const arith::Precision ref = reference_precision(mamba, {arith::parse_precision("mpfr200")});
  BOOST_TEST(ref.name == "interval264");
  const LayerRun enclosure = run_layer(ref, mamba, kSem);
  BOOST_TEST(enclosure.enclosure);
  const Comparison m = compare_runs(run("mpfr200", mamba), enclosure);
  BOOST_TEST(m.max_deviation < pow2(-190));
  BOOST_TEST(compare_runs(run("fp64", mamba), enclosure).max_deviation < pow2(-40));
  BOOST_CHECK_THROW(run("exact", mamba), UsageError);

  // Keys k_j = (1, j, j^2), queries 8 (-p^2, 2p, -1): logits -8 (j - p)^2 (T2's construction), p = i - 1.
  nlohmann::json sa = {{"softmax_attention", {{"q", nlohmann::json::array()}, {"k", nlohmann::json::array()}}}, {"input", {3, -1, 4, 1, -5, 9}},
                       {"schedule", "shift:1"}};
  for (long j = 1; j <= 6; ++j) {
    sa["softmax_attention"]["k"].push_back({1, j, j * j});
    const long p = std::max(j - 1, 1L);
    sa["softmax_attention"]["q"].push_back({-8 * p * p, 16 * p, -8});
  }
  const LayerSpec soft = parse_layer_json(sa.dump(), kCap);
  const LayerRun r = run_layer(reference_precision(soft, {}), soft, kSem);
  BOOST_TEST(check_schedule(r, *soft.schedule, soft.input).holds.is_true());
  BOOST_TEST(check_schedule(run("fp32", soft), *soft.schedule, soft.input).holds.is_true());
}

// Decoded COPY against an enclosure is tri-state: an enclosure across u ± 1/2 decides nothing.
BOOST_AUTO_TEST_CASE(schedule_check_is_tristate_for_enclosures) {
  const tasks::CopySchedule s = tasks::shift_schedule(2, 1);  // y_2 copies u_1
  const std::vector<Rational> input{Rational(1), Rational(0)};
  auto enclosure = [](Rational lo, Rational hi) {
    LayerRun r;
    r.enclosure = true;
    r.lower = {Rational(0), lo};
    r.upper = {Rational(0), hi};
    r.nonfinite = {"", ""};
    return r;
  };
  BOOST_TEST(check_schedule(enclosure(Rational(1, 4), Rational(1)), s, input).holds.is_unknown());
  BOOST_TEST(check_schedule(enclosure(Rational(3, 4), Rational(5, 4)), s, input).holds.is_true());
  BOOST_TEST(check_schedule(enclosure(Rational(7, 8), Rational(9, 8)), s, input).holds.is_true());
  BOOST_TEST(check_schedule(enclosure(Rational(-1), Rational(1, 2)), s, input).holds.is_false());
  LayerRun nan = enclosure(Rational(1), Rational(1));
  nan.lower[1].reset();
  nan.upper[1].reset();
  nan.nonfinite[1] = "unbounded";
  BOOST_TEST(check_schedule(nan, s, input).holds.is_false());
}
