#include "io/layer_json.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <initializer_list>
#include <set>
#include <sstream>
#include <system_error>
#include <utility>

#include <nlohmann/json.hpp>

#include "arith/errors.hpp"
#include "core/cancel.hpp"
#include "core/printable.hpp"
#include "io/memory.hpp"

namespace freelunch::io {

using nlohmann::json;

std::string to_string(LayerKind kind) {
  switch (kind) {
    case LayerKind::scan: return "scan";
    case LayerKind::mamba: return "mamba";
    case LayerKind::linear_attention: return "linear_attention";
    case LayerKind::softmax_attention: return "softmax_attention";
  }
  return "?";
}

std::size_t LayerSpec::state() const {
  switch (kind()) {
    case LayerKind::scan: return std::get<models::ScanParams<Rational>>(layer).state;
    case LayerKind::mamba: return std::get<MambaLayer>(layer).channel.state;
    case LayerKind::linear_attention: return std::get<models::LinearAttention<Rational>>(layer).q.cols();
    case LayerKind::softmax_attention: return std::get<models::SoftmaxAttention<Rational>>(layer).q.cols();
  }
  return 0;
}

std::string LayerSpec::describe() const {
  const std::string sizes = "N = " + std::to_string(length()) + ", n = " + std::to_string(state());
  switch (kind()) {
    case LayerKind::scan: {
      const auto& p = std::get<models::ScanParams<Rational>>(layer);
      return "selective scan (a, b, c), " + sizes + ", " + (p.decay_kind == models::DecayKind::scalar ? "scalar" : "per-state") +
             " decay" + (p.skip ? ", D = " + to_string(*p.skip) : "");
    }
    case LayerKind::mamba: {
      const auto& m = std::get<MambaLayer>(layer);
      return std::string("Mamba channel (delta, A, B, C), ") + sizes + ", " +
             (m.discretization == models::Discretization::zoh ? "zero-order hold" : "Euler (mamba_ssm)") + " discretization" +
             (m.channel.delta_is_preactivation ? ", delta = softplus(given)" : "") + (m.channel.D ? ", D = " + to_string(*m.channel.D) : "") +
             (m.gate ? ", gate silu(z)" : "");
    }
    case LayerKind::linear_attention: {
      const auto& la = std::get<models::LinearAttention<Rational>>(layer);
      return "causal linear attention, " + sizes + (la.decay ? ", scalar decay" : ", no decay (a = 1)");
    }
    case LayerKind::softmax_attention: return "causal softmax attention, " + sizes;
  }
  return "?";
}

namespace {

// ---- Parse errors with the JSON pointer of where the parser stopped -------------------------

// "~" and "/" escaped as RFC 6901 says.
std::string pointer_token(const std::string& key) {
  std::string out;
  for (char ch : key) {
    if (ch == '~') out += "~0";
    else if (ch == '/') out += "~1";
    else out += ch;
  }
  return out;
}

// Deeper nesting is refused while parsing: the parse tree and every function that walks it
// recursively (destruction, printing) would otherwise grow the stack with the input. A layer
// file nests 4 deep at most.
constexpr std::size_t kMaxJsonDepth = 32;

// Follows the SAX events and remembers the pointer of the value being read: where a parse error
// stops it, or where a key appears twice in one object (nlohmann::json::parse would keep the last
// silently).
class PathTracker : public nlohmann::json_sax<json> {
 public:
  std::string path() const {
    std::string out;
    for (const Frame& f : frames_) out += "/" + (f.array ? std::to_string(f.index) : pointer_token(f.key));
    return out.empty() ? "/" : out;
  }
  std::size_t position() const { return position_; }
  bool duplicate_key() const { return duplicate_; }
  bool too_deep() const { return too_deep_; }
  const std::string& underflow() const { return underflow_; }
  const std::string& message() const { return message_; }

  bool null() override { return value(); }
  bool boolean(bool) override { return value(); }
  bool number_integer(number_integer_t) override { return value(); }
  bool number_unsigned(number_unsigned_t) override { return value(); }
  // A nonzero number below binary64's range would read as 0: refused like one above it.
  bool number_float(number_float_t x, const string_t& token) override {
    if (x == 0 && token.find_first_of("123456789") < token.find_first_of("eE")) {
      underflow_ = token;
      return false;
    }
    return value();
  }
  bool string(string_t&) override { return value(); }
  bool binary(binary_t&) override { return value(); }
  bool start_object(std::size_t) override {
    if (frames_.size() >= kMaxJsonDepth) return too_deep_ = true, false;
    frames_.push_back({false, 0, "", {}});
    return true;
  }
  bool key(string_t& k) override {
    frames_.back().key = k;
    duplicate_ = !frames_.back().keys.insert(k).second;
    return !duplicate_;
  }
  bool end_object() override {
    frames_.pop_back();
    return value();
  }
  bool start_array(std::size_t) override {
    if (frames_.size() >= kMaxJsonDepth) return too_deep_ = true, false;
    frames_.push_back({true, 0, "", {}});
    return true;
  }
  bool end_array() override {
    frames_.pop_back();
    return value();
  }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::json::exception& ex) override {
    position_ = position;
    message_ = ex.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error ..." -> the part after the tag.
    const std::size_t tag = message_.find("] ");
    if (tag != std::string::npos) message_ = message_.substr(tag + 2);
    return false;
  }

 private:
  struct Frame {
    bool array;
    std::size_t index;
    std::string key;
    std::set<std::string> keys;  // objects: the keys seen
  };
  // A complete value advances the index of the enclosing array.
  bool value() {
    if (!frames_.empty() && frames_.back().array) ++frames_.back().index;
    return true;
  }
  std::vector<Frame> frames_;
  std::size_t position_ = 0;
  std::string message_;
  bool duplicate_ = false;
  bool too_deep_ = false;
  std::string underflow_;  // the token of a nonzero number that binary64 rounds to 0
};

// Throws a parse error or a duplicate key with the pointer of where it is.
void check_syntax(const std::string& text) {
  PathTracker tracker;
  if (json::sax_parse(text, &tracker)) return;
  if (tracker.duplicate_key()) throw UsageError(tracker.path() + ": the key appears twice in its object");
  if (tracker.too_deep())
    throw UsageError(printable(tracker.path(), 80) + ": nested deeper than " + std::to_string(kMaxJsonDepth) +
                     " arrays and objects; a layer file needs at most 4 (a schedule's pairs in an array)");
  if (!tracker.underflow().empty())
    throw UsageError(tracker.path() + ": the JSON number " + printable(tracker.underflow(), 40) +
                     " is below binary64's range (it would read as 0); write the string \"" + printable(tracker.underflow(), 40) +
                     "\" for its exact decimal value");
  std::size_t line = 1, column = 1;
  for (std::size_t k = 0; k + 1 < tracker.position() && k < text.size(); ++k) {
    if (text[k] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  const std::string at = "line " + std::to_string(line) + ", column " + std::to_string(column);
  std::string what = tracker.message();
  // A JSON number beyond binary64's range: "number overflow parsing '1e400'".
  const std::string overflow = "number overflow parsing '";
  if (what.rfind(overflow, 0) == 0) {
    const std::string token = what.substr(overflow.size(), what.size() - overflow.size() - 1);
    throw UsageError(tracker.path() + ": the JSON number " + token + " (" + at + ") is not finite in binary64; write the string \"" + token +
                     "\" for its exact decimal value");
  }
  // nlohmann's own "parse error at line L, column C: " is replaced by ours (with the pointer).
  if (what.rfind("parse error at line ", 0) == 0) {
    const std::size_t colon = what.find(": ");
    if (colon != std::string::npos) what = what.substr(colon + 2);
  }
  throw UsageError(tracker.path() + ": malformed JSON at " + at + ": " + what);
}

// ---- Reading values -------------------------------------------------------------------------

const char* type_name(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return "null";
    case json::value_t::object: return "an object";
    case json::value_t::array: return "an array";
    case json::value_t::string: return "a string";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::binary: return "binary data";
    case json::value_t::discarded: return "nothing";
    default: return "a number";
  }
}

bool is_non_finite_word(std::string s) {
  s.erase(std::remove_if(s.begin(), s.end(), [](unsigned char ch) { return std::isspace(ch) != 0; }), s.end());
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) s.erase(0, 1);
  return s == "inf" || s == "infinity" || s == "nan";
}

// Bytes an exact Rational of this size takes: the mpq_t and its limbs (with allocation overhead).
double rational_bytes(const Rational& q) {
  return 64.0 + static_cast<double>(bit_size(q)) / 8.0;
}

class Reader {
 public:
  explicit Reader(std::uint64_t memory_cap) : cap_(static_cast<double>(memory_cap)) {}

  std::size_t binary64_numbers() const { return binary64_; }

  // Each value is weighed from its text before it is built (a short string can stand for
  // millions of bits), and reading stops at the time cap: a file of such values is refused, never
  // read on for minutes.
  Rational number(const json& v, const std::string& path) {
    throw_if_cancelled();
    if (v.is_string()) refuse_if_over_cap(bytes_ + 64.0 + rational_text_bits(v.get_ref<const std::string&>()) / 8.0, path);
    Rational q = convert(v, path);
    bytes_ += rational_bytes(q);
    refuse_if_over_cap(bytes_, path);
    return q;
  }

  std::vector<Rational> vector(const json& v, const std::string& path, std::optional<std::size_t> size, const std::string& size_reason) {
    const json& a = array(v, path);
    if (size && a.size() != *size)
      throw UsageError(path + ": expected " + size_reason + " entries, got " + std::to_string(a.size()));
    if (a.empty()) throw UsageError(path + ": expected at least one entry");
    std::vector<Rational> out;
    out.reserve(a.size());
    for (std::size_t k = 0; k < a.size(); ++k) out.push_back(number(a[k], path + "/" + std::to_string(k)));
    return out;
  }

  // count x cols, row-major; cols from the first row when not given (then cols_reason becomes
  // "<cols_name> = 4 (the length of <path>/0)").
  std::vector<Rational> rows(const json& v, const std::string& path, std::size_t count, const std::string& count_reason,
                             std::optional<std::size_t>& cols, std::string& cols_reason, const char* cols_name = "n") {
    const json& a = array(v, path);
    if (a.size() != count) throw UsageError(path + ": expected " + count_reason + " rows, got " + std::to_string(a.size()));
    std::vector<Rational> out;
    for (std::size_t t = 0; t < count; ++t) {
      const std::string row_path = path + "/" + std::to_string(t);
      const json& row = array(a[t], row_path);
      if (!cols) {
        if (row.empty()) throw UsageError(row_path + ": expected at least one entry");
        cols = row.size();
        cols_reason = std::string(cols_name) + " = " + std::to_string(row.size()) + " (the length of " + row_path + ")";
      }
      if (row.size() != *cols) throw UsageError(row_path + ": expected " + cols_reason + " entries, got " + std::to_string(row.size()));
      for (std::size_t s = 0; s < row.size(); ++s) out.push_back(number(row[s], row_path + "/" + std::to_string(s)));
    }
    return out;
  }

  static const json& array(const json& v, const std::string& path) {
    if (!v.is_array()) throw UsageError(path + ": expected an array, got " + type_name(v));
    return v;
  }

 private:
  Rational convert(const json& v, const std::string& path) {
    switch (v.type()) {
      case json::value_t::number_integer: return Rational(v.get<std::int64_t>());
      case json::value_t::number_unsigned: return Rational(Integer(v.get<std::uint64_t>()));
      case json::value_t::number_float: {
        const double x = v.get<double>();
        if (!std::isfinite(x)) throw UsageError(path + ": " + v.dump() + " is not finite");
        ++binary64_;
        return rational_from_double(x);
      }
      case json::value_t::string: {
        const std::string& text = v.get_ref<const std::string&>();
        if (is_non_finite_word(text))
          throw UsageError(path + ": \"" + text + "\" is not finite; every number must be a finite rational (e.g. \"0.1\", \"9/10\", 1.5)");
        try {
          return parse_rational(text);
        } catch (const UsageError& e) {
          throw UsageError(path + ": " + e.what());
        }
      }
      default:
        throw UsageError(path + ": expected a number (a JSON number, or a string such as \"0.1\" or \"9/10\"), got " + type_name(v));
    }
  }

  void refuse_if_over_cap(double bytes, const std::string& path) const {
    if (bytes > cap_)
      throw UsageError(path + ": the exact parameters read so far need about " + format_bytes(bytes) + ", above the memory cap " +
                       format_bytes(cap_) + "; raise it with --max-memory");
  }

  double cap_;
  double bytes_ = 0;
  std::size_t binary64_ = 0;
};

// An object's fields: required and optional ones, and no others.
class Fields {
 public:
  Fields(const json& object, std::string path, std::initializer_list<const char*> known) : object_(object), path_(std::move(path)) {
    if (!object.is_object()) throw UsageError(where() + ": expected an object, got " + type_name(object));
    for (const auto& [key, value] : object.items()) {
      if (std::find_if(known.begin(), known.end(), [&](const char* k) { return key == k; }) != known.end()) continue;
      std::string list;
      for (const char* k : known) list += std::string(list.empty() ? "" : ", ") + k;
      throw UsageError(path_ + "/" + pointer_token(key) + ": unknown field (known here: " + list + ")");
    }
  }
  const json& required(const char* key) const {
    if (!object_.contains(key)) throw UsageError(at(key) + ": missing (a required field)");
    return object_.at(key);
  }
  const json* optional(const char* key) const { return object_.contains(key) ? &object_.at(key) : nullptr; }
  std::string at(const char* key) const { return path_ + "/" + pointer_token(key); }

 private:
  std::string where() const { return path_.empty() ? "/" : path_; }
  const json& object_;
  std::string path_;
};

bool read_bool(const json& v, const std::string& path) {
  if (!v.is_boolean()) throw UsageError(path + ": expected true or false, got " + type_name(v));
  return v.get<bool>();
}

std::string read_string(const json& v, const std::string& path) {
  if (!v.is_string()) throw UsageError(path + ": expected a string, got " + type_name(v));
  return v.get<std::string>();
}

linalg::Matrix<Rational> to_matrix(std::vector<Rational> flat, std::size_t rows, std::size_t cols) {
  linalg::Matrix<Rational> m(rows, cols, Rational(0));
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t j = 0; j < cols; ++j) m(i, j) = std::move(flat[i * cols + j]);
  return m;
}

std::size_t count_outside_unit(const std::vector<Rational>& decays) {
  return static_cast<std::size_t>(std::count_if(decays.begin(), decays.end(), [](const Rational& a) { return a <= 0 || a > 1; }));
}

// ---- The four layers ------------------------------------------------------------------------

struct Sizes {
  std::size_t length;
  std::string length_reason;  // "N = 32 (the length of /input)"
};

models::ScanParams<Rational> read_scan(const json& v, Reader& r, const Sizes& sz, std::size_t& outside) {
  const Fields f(v, "/scan", {"a", "b", "c", "D"});
  std::optional<std::size_t> n;
  std::string n_reason;
  models::ScanParams<Rational> p;
  p.length = sz.length;
  p.b = r.rows(f.required("b"), f.at("b"), sz.length, sz.length_reason, n, n_reason);
  p.c = r.rows(f.required("c"), f.at("c"), sz.length, sz.length_reason, n, n_reason);
  p.state = *n;
  const json& a = Reader::array(f.required("a"), f.at("a"));
  // A flat array of N numbers is a scalar decay per step; N rows of n numbers, a decay per state.
  const bool scalar = !a.empty() && !a[0].is_array();
  p.decay_kind = scalar ? models::DecayKind::scalar : models::DecayKind::per_state;
  p.a = scalar ? r.vector(a, f.at("a"), sz.length, sz.length_reason) : r.rows(a, f.at("a"), sz.length, sz.length_reason, n, n_reason);
  if (const json* d = f.optional("D")) p.skip = r.number(*d, f.at("D"));
  outside = count_outside_unit(p.a);
  p.check_shapes();
  return p;
}

MambaLayer read_mamba(const json& v, Reader& r, const Sizes& sz) {
  const Fields f(v, "/mamba", {"delta", "delta_softplus", "A", "B", "C", "D", "discretization", "z"});
  MambaLayer m;
  models::MambaChannel<Rational>& ch = m.channel;
  ch.length = sz.length;
  ch.A = r.vector(f.required("A"), f.at("A"), std::nullopt, "");
  ch.state = ch.A.size();
  const std::string n_size = "n = " + std::to_string(ch.state) + " (the length of /mamba/A)";
  for (std::size_t s = 0; s < ch.state; ++s)
    if (!(ch.A[s] < 0)) throw UsageError(f.at("A") + "/" + std::to_string(s) + ": A must be negative (got " + to_string(ch.A[s]) + ")");
  if (const json* sp = f.optional("delta_softplus")) ch.delta_is_preactivation = read_bool(*sp, f.at("delta_softplus"));
  ch.delta = r.vector(f.required("delta"), f.at("delta"), sz.length, sz.length_reason);
  if (!ch.delta_is_preactivation)
    for (std::size_t t = 0; t < ch.length; ++t)
      if (!(ch.delta[t] > 0))
        throw UsageError(f.at("delta") + "/" + std::to_string(t) + ": delta must be positive (got " + to_string(ch.delta[t]) +
                         "; set \"delta_softplus\": true to pass the pre-activation)");
  std::optional<std::size_t> n = ch.state;
  std::string n_reason = n_size;
  ch.B = r.rows(f.required("B"), f.at("B"), sz.length, sz.length_reason, n, n_reason);
  ch.C = r.rows(f.required("C"), f.at("C"), sz.length, sz.length_reason, n, n_reason);
  if (const json* d = f.optional("D")) ch.D = r.number(*d, f.at("D"));
  if (const json* d = f.optional("discretization")) {
    const std::string how = read_string(*d, f.at("discretization"));
    if (how == "zoh") m.discretization = models::Discretization::zoh;
    else if (how == "euler") m.discretization = models::Discretization::euler;
    else throw UsageError(f.at("discretization") + ": unknown discretization \"" + how + "\"; valid: euler, zoh");
  }
  if (const json* z = f.optional("z")) m.gate = r.vector(*z, f.at("z"), sz.length, sz.length_reason);
  models::validate_channel(ch);
  return m;
}

models::LinearAttention<Rational> read_linear_attention(const json& v, Reader& r, const Sizes& sz, const std::vector<Rational>& input,
                                                        std::size_t& outside) {
  const Fields f(v, "/linear_attention", {"q", "k", "decay"});
  std::optional<std::size_t> n;
  std::string n_reason;
  const std::vector<Rational> q = r.rows(f.required("q"), f.at("q"), sz.length, sz.length_reason, n, n_reason);
  const std::vector<Rational> k = r.rows(f.required("k"), f.at("k"), sz.length, sz.length_reason, n, n_reason);
  models::LinearAttention<Rational> la{to_matrix(q, sz.length, *n), to_matrix(k, sz.length, *n), to_matrix(input, sz.length, 1), std::nullopt};
  if (const json* d = f.optional("decay")) {
    la.decay = r.vector(*d, f.at("decay"), sz.length, sz.length_reason);
    outside = count_outside_unit(*la.decay);
  }
  return la;
}

models::SoftmaxAttention<Rational> read_softmax_attention(const json& v, Reader& r, const Sizes& sz, const std::vector<Rational>& input) {
  const Fields f(v, "/softmax_attention", {"q", "k"});
  std::optional<std::size_t> d;
  std::string d_reason;
  const std::vector<Rational> q = r.rows(f.required("q"), f.at("q"), sz.length, sz.length_reason, d, d_reason, "d");
  const std::vector<Rational> k = r.rows(f.required("k"), f.at("k"), sz.length, sz.length_reason, d, d_reason, "d");
  return {to_matrix(q, sz.length, *d), to_matrix(k, sz.length, *d), to_matrix(input, sz.length, 1)};
}

// "schedule": a string (parse_schedule's forms) or an array of 1-based [i, pos] pairs.
tasks::CopySchedule read_schedule(const json& v, std::size_t length) {
  const std::string path = "/schedule";
  if (v.is_string()) {
    try {
      return parse_schedule(v.get<std::string>(), length);
    } catch (const UsageError& e) {
      throw UsageError(path + ": " + e.what());
    }
  }
  if (!v.is_array()) throw UsageError(path + ": expected a string (full, reverse, shift:K, distance) or an array of [i, pos] pairs, got " + type_name(v));
  std::vector<std::pair<std::size_t, std::size_t>> pairs;
  for (std::size_t k = 0; k < v.size(); ++k) {
    const std::string pair_path = path + "/" + std::to_string(k);
    const json& pr = v[k];
    if (!pr.is_array() || pr.size() != 2) throw UsageError(pair_path + ": expected a pair [i, pos] of 1-based steps");
    std::size_t step[2];
    for (std::size_t e = 0; e < 2; ++e) {
      if (!pr[e].is_number_unsigned() || pr[e].get<std::uint64_t>() < 1 || pr[e].get<std::uint64_t>() > length)
        throw UsageError(pair_path + "/" + std::to_string(e) + ": expected a step 1..N = " + std::to_string(length) + ", got " + pr[e].dump());
      step[e] = static_cast<std::size_t>(pr[e].get<std::uint64_t>()) - 1;
    }
    if (step[1] > step[0]) throw UsageError(pair_path + ": pos " + std::to_string(step[1] + 1) + " comes after the output step " + std::to_string(step[0] + 1));
    pairs.emplace_back(step[0], step[1]);
  }
  if (pairs.empty()) throw UsageError(path + ": expected at least one [i, pos] pair");
  try {
    return tasks::explicit_schedule(length, std::move(pairs));
  } catch (const UsageError& e) {
    throw UsageError(path + ": " + e.what());
  }
}

}  // namespace

LayerSpec parse_layer_json(const std::string& text, std::uint64_t memory_cap) {
  check_syntax(text);
  const json root = json::parse(text);
  const Fields top(root, "", {"description", "input", "schedule", "scan", "mamba", "linear_attention", "softmax_attention"});
  const char* kinds[] = {"scan", "mamba", "linear_attention", "softmax_attention"};
  std::vector<std::size_t> present;
  for (std::size_t k = 0; k < 4; ++k)
    if (root.contains(kinds[k])) present.push_back(k);
  if (present.size() != 1)
    throw UsageError(std::string("/: expected exactly one layer field (scan, mamba, linear_attention or softmax_attention), found ") +
                     (present.empty() ? "none" : std::to_string(present.size())));

  Reader r(memory_cap);
  LayerSpec spec;
  if (const json* d = top.optional("description")) spec.description = read_string(*d, "/description");
  spec.input = r.vector(top.required("input"), "/input", std::nullopt, "");
  const Sizes sz{spec.input.size(), "N = " + std::to_string(spec.input.size()) + " (the length of /input)"};
  const json& layer = root.at(kinds[present[0]]);
  switch (present[0]) {
    case 0: spec.layer = read_scan(layer, r, sz, spec.decays_outside_unit); break;
    case 1: spec.layer = read_mamba(layer, r, sz); break;
    case 2: spec.layer = read_linear_attention(layer, r, sz, spec.input, spec.decays_outside_unit); break;
    default: spec.layer = read_softmax_attention(layer, r, sz, spec.input); break;
  }
  if (const json* s = top.optional("schedule")) spec.schedule = read_schedule(*s, spec.length());
  spec.binary64_numbers = r.binary64_numbers();
  return spec;
}

namespace {

// The parse tree against the cap: before reading a regular file, after reading anything else.
void check_text_size(const std::string& name, std::uint64_t size, std::uint64_t memory_cap, bool read_so_far = false) {
  const double tree = static_cast<double>(size) * static_cast<double>(kJsonBytesPerByte);
  if (tree > static_cast<double>(memory_cap))
    throw UsageError(printable(name) + ": the file has " + (read_so_far ? "at least " : "") + format_bytes(static_cast<double>(size)) + "; its parse tree needs about " + format_bytes(tree) +
                     " (" + std::to_string(kJsonBytesPerByte) + " bytes per byte), above the memory cap " + format_bytes(static_cast<double>(memory_cap)) + "; raise it with --max-memory");
}

LayerSpec parse_named(const std::string& text, const std::string& name, std::uint64_t memory_cap) {
  try {
    return parse_layer_json(text, memory_cap);
  } catch (const UsageError& e) {
    throw UsageError(name + ": " + e.what());
  }
}

}  // namespace

// What is left of the cap for the exact parameters once the text and its parse tree are held:
// the two are alive together, so they are compared with the cap as a sum.
std::uint64_t cap_after_text(std::size_t size, std::uint64_t memory_cap) {
  const double tree = static_cast<double>(size) * static_cast<double>(kJsonBytesPerByte + 1);
  return tree >= static_cast<double>(memory_cap) ? 0 : memory_cap - static_cast<std::uint64_t>(tree);
}

// Reads a stream in chunks, refusing as soon as the text's parse tree would pass the cap: a pipe
// or a device (/dev/zero) is never read further than the cap allows.
std::string read_bounded(std::istream& in, const std::string& name, std::uint64_t memory_cap) {
  std::string text;
  char chunk[1 << 16];
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
    text.append(chunk, static_cast<std::size_t>(in.gcount()));
    check_text_size(name, text.size(), memory_cap, true);
  }
  return text;
}

LayerSpec read_layer_text(const std::string& text, const std::string& name, std::uint64_t memory_cap) {
  check_text_size(name, text.size(), memory_cap);
  return parse_named(text, name, cap_after_text(text.size(), memory_cap));
}

LayerSpec read_layer_file(const std::string& path, std::uint64_t memory_cap) {
  if (path == "-") return read_layer_text(read_bounded(std::cin, "<stdin>", memory_cap), "<stdin>", memory_cap);
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw UsageError("'" + printable(path) + "' is a directory, not a layer file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError("cannot open the layer file '" + printable(path) + "'");
  const bool regular = std::filesystem::is_regular_file(path, ec);
  if (regular) check_text_size(path, std::filesystem::file_size(path, ec), memory_cap);
  const std::string text = read_bounded(in, path, memory_cap);
  return parse_named(text, path, cap_after_text(text.size(), memory_cap));
}

tasks::CopySchedule parse_schedule(const std::string& text, std::size_t length) {
  const std::string forms = "valid: full, reverse, shift:K, distance, or 1-based pairs I:P,I:P,...";
  auto half = [&](const char* kind) {
    if (length % 2 != 0) throw UsageError(std::string("schedule ") + kind + " needs an even N = 2L (got N = " + std::to_string(length) + ")");
    return length / 2;
  };
  auto number = [&](const std::string& item) {
    std::size_t v = 0;
    const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), v);
    if (item.empty() || ec != std::errc() || end != item.data() + item.size())
      throw UsageError("schedule '" + text + "': '" + item + "' is not a nonnegative integer; " + forms);
    return v;
  };
  if (text == "full") return tasks::full_copy_schedule(half("full"));
  if (text == "reverse") return tasks::reverse_schedule(half("reverse"));
  if (text == "distance") {
    if (length < 2) throw UsageError("schedule distance needs N >= 2");
    return tasks::distance_schedule(length - 1);
  }
  if (text.rfind("shift:", 0) == 0) return tasks::shift_schedule(length, number(text.substr(6)));
  if (text.empty() || !std::isdigit(static_cast<unsigned char>(text[0]))) throw UsageError("unknown schedule '" + text + "'; " + forms);
  std::vector<std::pair<std::size_t, std::size_t>> pairs;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    const std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const std::size_t colon = item.find(':');
    if (colon == std::string::npos) throw UsageError("schedule '" + text + "': pair '" + item + "' is not I:P; " + forms);
    const std::size_t i = number(item.substr(0, colon)), pos = number(item.substr(colon + 1));
    if (pos < 1 || pos > i || i > length)
      throw UsageError("schedule '" + text + "': pair " + item + " needs 1 <= P <= I <= N = " + std::to_string(length));
    pairs.emplace_back(i - 1, pos - 1);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return tasks::explicit_schedule(length, std::move(pairs));
}

}  // namespace freelunch::io
