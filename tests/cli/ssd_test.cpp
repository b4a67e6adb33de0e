#define BOOST_TEST_MODULE cli_ssd
#include "support/test_support.hpp"

// `freelunch ssd` as a user runs it, bit for bit: the command's JSON outputs (exact "p/q" strings)
// in fp32, fp16, bf16 and fp32 compute with bf16 storage, for the recurrence and for the chunked
// algorithm (products) at several Q, against loops written here from THEORY §1.1 and §5 S2 in
// native arithmetic: float, _Float16, and bf16 as binary64 rounded to 8 significant bits by bit
// manipulation (exact for products of bf16 values; for sums double rounding through binary64 is
// innocuous, 53 >= 2 * 8 + 2). Nothing here uses the library's arithmetic: the only shared
// piece is the rational type that parses the command's output strings.
//
// cumsum mode is not compared: it needs exp and log, and native expf/logf are not correctly
// rounded (the model-level tests check it against MPFR).
//
// The executable under test comes from FREELUNCH_EXE (set by tests/CMakeLists.txt).
#include <unistd.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "arith/rational.hpp"

namespace {

// --- the formats, each as a value type with correctly rounded +, × and conversion from binary64

// A native type whose + and × the compiler rounds once each; `volatile` keeps every result in
// memory, so no wider intermediate (x87, FMA contraction) can stand in for it.
template <class Native>
struct NativeFormat {
  using T = Native;
  static T from(double x) { return static_cast<T>(x); }  // one rounding (for _Float16: __truncdfhf2)
  static T add(T x, T y) {
    volatile T r = x + y;
    return r;
  }
  static T mul(T x, T y) {
    volatile T r = x * y;
    return r;
  }
  static double value(T x) { return static_cast<double>(x); }
};
using Fp32 = NativeFormat<float>;
using Fp16 = NativeFormat<_Float16>;

// bf16 values held in a double. Rounding to 8 significant bits, nearest with ties to even, on the
// binary64 bit pattern: add half an ulp of the target (minus one when the kept part is even) and
// cut. Only the bf16 normal range is handled; outside it the oracle refuses instead of guessing.
struct Bf16 {
  using T = double;
  static T from(double x) {
    if (x == 0) return x;
    if (!(std::fabs(x) >= 0x1p-126 && std::fabs(x) < 0x1.ffp127)) throw std::domain_error("bf16 oracle: value outside the normal range");
    constexpr int kCut = 52 - 7;  // binary64 keeps 52 fraction bits, bf16 keeps 7
    std::uint64_t bits = std::bit_cast<std::uint64_t>(x);
    const std::uint64_t lsb = (bits >> kCut) & 1;
    bits += (std::uint64_t{1} << (kCut - 1)) - 1 + lsb;
    bits &= ~((std::uint64_t{1} << kCut) - 1);
    return std::bit_cast<double>(bits);
  }
  static T add(T x, T y) { return from(x + y); }
  static T mul(T x, T y) { return from(x * y); }
  static double value(T x) { return x; }
};

// fp32 compute with bf16 storage: parameters and inputs rounded to bf16 first, arithmetic in float.
struct Fp32StorageBf16 : Fp32 {
  static T from(double x) { return static_cast<float>(Bf16::from(x)); }
};

// --- an instance, exact in binary64

struct Layer {
  std::size_t N = 0, n = 0;
  std::vector<double> a, b, c, u;  // b, c row-major N x n
  bool has_skip = false;
  double skip = 0;
};

// x as the exact string the layer file takes ("p/q").
std::string exact_text(double x) { return freelunch::to_string(freelunch::rational_from_double(x)); }

// Values with 30 significant bits (so every format rounds them): decays in (7/8, 1), the rest in
// [-1, 1]. Products stay far inside each format's normal range for the lengths used here.
Layer random_layer(std::mt19937_64& rng, std::size_t N, std::size_t n, bool skip) {
  std::uniform_int_distribution<std::int64_t> decay(1, std::int64_t{1} << 27), value(-(std::int64_t{1} << 28), std::int64_t{1} << 28);
  Layer l;
  l.N = N;
  l.n = n;
  for (std::size_t t = 0; t < N; ++t) {
    l.a.push_back(std::ldexp(static_cast<double>((std::int64_t{1} << 30) - decay(rng)), -30));
    l.u.push_back(std::ldexp(static_cast<double>(value(rng)), -28));
    for (std::size_t k = 0; k < n; ++k) {
      l.b.push_back(std::ldexp(static_cast<double>(value(rng)), -28));
      l.c.push_back(std::ldexp(static_cast<double>(value(rng)), -28));
    }
  }
  l.has_skip = skip;
  l.skip = std::ldexp(static_cast<double>(value(rng)), -28);
  return l;
}

nlohmann::json layer_json(const Layer& l) {
  auto row = [&](const std::vector<double>& m, std::size_t t) {
    nlohmann::json r = nlohmann::json::array();
    for (std::size_t k = 0; k < l.n; ++k) r.push_back(exact_text(m[t * l.n + k]));
    return r;
  };
  nlohmann::json scan = {{"a", nlohmann::json::array()}, {"b", nlohmann::json::array()}, {"c", nlohmann::json::array()}};
  nlohmann::json input = nlohmann::json::array();
  for (std::size_t t = 0; t < l.N; ++t) {
    scan["a"].push_back(exact_text(l.a[t]));
    scan["b"].push_back(row(l.b, t));
    scan["c"].push_back(row(l.c, t));
    input.push_back(exact_text(l.u[t]));
  }
  if (l.has_skip) scan["D"] = exact_text(l.skip);
  return {{"description", "cli ssd test instance"}, {"scan", scan}, {"input", input}};
}

// --- the two algorithms, in F's rounding

// THEORY §1.1 with a scalar decay: h_k = a_t h_k + b_tk u_t (a two-term dot, left to right),
// y_t = c_t · h_t left to right, then + D u_t.
template <class F>
std::vector<double> recurrence(const Layer& l) {
  using T = typename F::T;
  std::vector<T> h(l.n, F::from(0));
  std::vector<double> y;
  const T d = F::from(l.skip);
  for (std::size_t t = 0; t < l.N; ++t) {
    const T a = F::from(l.a[t]), u = F::from(l.u[t]);
    for (std::size_t k = 0; k < l.n; ++k) h[k] = F::add(F::mul(a, h[k]), F::mul(F::from(l.b[t * l.n + k]), u));
    T out = F::mul(F::from(l.c[t * l.n]), h[0]);
    for (std::size_t k = 1; k < l.n; ++k) out = F::add(out, F::mul(F::from(l.c[t * l.n + k]), h[k]));
    if (l.has_skip) out = F::add(out, F::mul(d, u));
    y.push_back(F::value(out));
  }
  return y;
}

// THEORY §5 S2, products mode, written per output: for the chunk s+1..s+Q,
//   y_i = sum_{j = s+1..i} ((C_i · B_j) L(i, j)) x_j  +  C_i · (L(i, s) h_s)  [+ D x_i]
//   h_(s+Q) = L(s+Q, s) h_s + sum_j L(s+Q, j) (B_j x_j)
// with L(i, j) = a_(j+1) ... a_i multiplied left to right from scratch each time.
template <class F>
std::vector<double> chunked(const Layer& l, std::size_t q) {
  using T = typename F::T;
  const std::size_t N = l.N, n = l.n;
  auto A = [&](std::size_t t) { return F::from(l.a[t]); };
  auto B = [&](std::size_t t, std::size_t k) { return F::from(l.b[t * n + k]); };
  auto C = [&](std::size_t t, std::size_t k) { return F::from(l.c[t * n + k]); };
  auto X = [&](std::size_t t) { return F::from(l.u[t]); };
  // L(i, j) in 0-based positions: a_(j+1) ... a_i; `from` is j + 1 (may be past i: then 1).
  auto L = [&](std::size_t i, std::size_t from) {
    if (from > i) return F::from(1);
    T p = A(from);
    for (std::size_t k = from + 1; k <= i; ++k) p = F::mul(p, A(k));
    return p;
  };
  std::vector<T> h(n, F::from(0));
  std::vector<double> y;
  for (std::size_t s = 0; s < N; s += q) {
    const std::size_t e = std::min(N, s + q);
    for (std::size_t i = s; i < e; ++i) {
      T intra{};
      for (std::size_t j = s; j <= i; ++j) {
        T g = F::mul(C(i, 0), B(j, 0));
        for (std::size_t k = 1; k < n; ++k) g = F::add(g, F::mul(C(i, k), B(j, k)));
        const T term = F::mul(F::mul(g, L(i, j + 1)), X(j));
        intra = j == s ? term : F::add(intra, term);
      }
      const T from_s = L(i, s);  // L(i, s): a_(s+1) ... a_i, i.e. positions s..i 0-based
      T w = F::mul(C(i, 0), F::mul(from_s, h[0]));
      for (std::size_t k = 1; k < n; ++k) w = F::add(w, F::mul(C(i, k), F::mul(from_s, h[k])));
      T out = F::add(intra, w);
      if (l.has_skip) out = F::add(out, F::mul(F::from(l.skip), X(i)));
      y.push_back(F::value(out));
    }
    const T whole = L(e - 1, s);
    for (std::size_t k = 0; k < n; ++k) {
      T next = F::mul(whole, h[k]);
      for (std::size_t j = s; j < e; ++j) next = F::add(next, F::mul(L(e - 1, j + 1), F::mul(B(j, k), X(j))));
      h[k] = next;
    }
  }
  return y;
}

// --- running the command

struct Command {
  int exit_code;
  nlohmann::json output;
};

Command run_ssd(const Layer& l, const std::string& chunks, const std::string& precisions, const std::string& semantics) {
  const char* exe = std::getenv("FREELUNCH_EXE");
  if (!exe) throw std::runtime_error("FREELUNCH_EXE is not set (tests/CMakeLists.txt sets it to the freelunch executable)");
  const auto dir = std::filesystem::temp_directory_path() / ("freelunch-ssd-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto file = dir / "layer.json";
  std::ofstream(file) << layer_json(l).dump();
  std::string command = std::string("'") + exe + "' ssd '" + file.string() + "' --chunk " + chunks + " --precision " + precisions + " --json";
  if (!semantics.empty()) command += " --semantics " + semantics;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot run " + command);
  std::string text;
  char buffer[65536];
  for (std::size_t got; (got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) text.append(buffer, got);
  const int status = ::pclose(pipe);
  std::filesystem::remove_all(dir);
  BOOST_TEST_REQUIRE(WIFEXITED(status), command << ": did not exit normally");
  return {WEXITSTATUS(status), nlohmann::json::parse(text)};
}

// The command's exact output strings against the oracle's values, one by one.
void expect_bits(const nlohmann::json& outputs, const std::vector<double>& oracle, const std::string& what) {
  BOOST_TEST_REQUIRE(outputs.size() == oracle.size(), what << ": " << outputs.size() << " outputs");
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < oracle.size(); ++i) {
    const std::string text = outputs[i].get<std::string>();
    if (text == "non-finite" || freelunch::parse_rational(text) != freelunch::rational_from_double(oracle[i])) {
      if (++mismatches <= 3) BOOST_ERROR(what << ", output " << i + 1 << ": command gives " << text << ", the oracle " << exact_text(oracle[i]));
    }
  }
  BOOST_TEST(mismatches == 0u, what << ": " << mismatches << " of " << oracle.size() << " outputs differ");
}

template <class F>
void expect_row(const nlohmann::json& row, const Layer& l, const std::vector<std::size_t>& chunks, const std::string& what) {
  expect_bits(row.at("recurrent").at("outputs"), recurrence<F>(l), what + " recurrent");
  const auto& runs = row.at("chunked");
  BOOST_TEST_REQUIRE(runs.size() == chunks.size());
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    BOOST_TEST(runs[i].at("chunk").get<std::size_t>() == chunks[i]);
    const auto y = chunked<F>(l, chunks[i]);
    expect_bits(runs[i].at("outputs"), y, what + " chunked Q = " + std::to_string(chunks[i]));
    // The command's "equals_recurrent" is the oracle's too.
    BOOST_TEST(runs[i].at("equals_recurrent").get<bool>() == (y == recurrence<F>(l)), what << " Q = " << chunks[i] << ": equals_recurrent");
  }
}

std::string join(const std::vector<std::size_t>& xs) {
  std::string s;
  for (std::size_t x : xs) {
    if (!s.empty()) s.push_back(',');
    s.append(std::to_string(x));
  }
  return s;
}

}  // namespace

// The oracle's bf16 rounding, against cases worked by hand (ties to even, carry into the exponent).
BOOST_AUTO_TEST_CASE(bf16_oracle_rounds_to_nearest_even) {
  BOOST_TEST(Bf16::from(1.0 + 0x1p-8) == 1.0);                 // tie, 1.0000000 is even
  BOOST_TEST(Bf16::from(1.0 + 3 * 0x1p-8) == 1.0 + 0x1p-6);    // tie, rounds up to the even 1.0000010
  BOOST_TEST(Bf16::from(1.0 + 0x1p-8 + 0x1p-30) == 1.0 + 0x1p-7);  // just above the tie
  BOOST_TEST(Bf16::from(2.0 - 0x1p-9) == 2.0);                 // carries into the exponent
  BOOST_TEST(Bf16::from(-1.5 - 0x1p-9) == -1.5);
  BOOST_CHECK_THROW(Bf16::from(0x1p-130), std::domain_error);
}

// Every format, both algorithms, several shapes, chunk sizes that divide N, do not, are 1 or N.
BOOST_AUTO_TEST_CASE(ssd_outputs_match_independent_loops_bit_for_bit) {
  std::mt19937_64 rng(freelunch::testing::seed());
  struct Shape {
    std::size_t N, n;
    bool skip;
  };
  for (const Shape& shape : {Shape{37, 1, false}, Shape{64, 4, true}, Shape{150, 3, false}}) {
    const Layer l = random_layer(rng, shape.N, shape.n, shape.skip);
    const std::vector<std::size_t> chunks = {1, 4, 16, 5, shape.N};
    BOOST_TEST_CONTEXT("N = " << shape.N << ", n = " << shape.n << (shape.skip ? ", with D" : "")) {
      const Command run = run_ssd(l, join(chunks), "fp32,fp16,bf16", "");
      BOOST_TEST(run.exit_code == 0);
      BOOST_TEST(run.output.at("identity").get<bool>());
      const auto& rows = run.output.at("results");
      BOOST_TEST_REQUIRE(rows.size() == 3u);
      BOOST_TEST(rows[0].at("precision") == "fp32");
      expect_row<Fp32>(rows[0], l, chunks, "fp32");
      BOOST_TEST(rows[1].at("precision") == "fp16");
      expect_row<Fp16>(rows[1], l, chunks, "fp16");
      BOOST_TEST(rows[2].at("precision") == "bf16");
      expect_row<Bf16>(rows[2], l, chunks, "bf16");

      const Command mixed = run_ssd(l, join(chunks), "fp32", "storage=bf16");
      BOOST_TEST(mixed.exit_code == 0);
      BOOST_TEST(mixed.output.at("semantics").get<std::string>().find("storage=bf16") != std::string::npos);
      expect_row<Fp32StorageBf16>(mixed.output.at("results").at(0), l, chunks, "fp32 with bf16 storage");
    }
  }
}

// The oracle is not trivially equal to the command: a one-ulp change of one decay in the layer
// the command sees changes the outputs (so a comparison that always passed would be caught).
BOOST_AUTO_TEST_CASE(a_changed_layer_changes_the_outputs) {
  std::mt19937_64 rng(freelunch::testing::seed() + 1);
  Layer l = random_layer(rng, 20, 2, false);
  const auto before = recurrence<Fp32>(l);
  l.a[3] = std::nextafter(static_cast<float>(l.a[3]), 2.0f);
  const Command run = run_ssd(l, "4", "fp32", "");
  BOOST_TEST((run.output.at("results").at(0).at("recurrent").at("outputs").size() == before.size()));
  std::size_t differ = 0;
  for (std::size_t i = 0; i < before.size(); ++i)
    differ += freelunch::parse_rational(run.output.at("results").at(0).at("recurrent").at("outputs")[i].get<std::string>()) !=
              freelunch::rational_from_double(before[i]);
  BOOST_TEST(differ > 0u);
}
