#include "server/metrics.h"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>
#include <thread>
#include <vector>

namespace blockdb {
namespace {

TEST_CASE("metrics: golden text for counters, gauges, a histogram and escaped labels") {
  MetricsRegistry registry;
  registry.AddCounter("blockdb_test_requests_total", "Requests served.").Increment(3);
  CounterFamily& errors = registry.AddCounterFamily(
      "blockdb_test_errors_total", "Errors by SQLSTATE and message.", {"sqlstate", "message"});
  errors.WithLabels({"23505", "duplicate \"key\"\nat C:\\data"}).Increment();
  errors.WithLabels({"22012", "division by zero"}).Increment(2);
  registry.AddGauge("blockdb_test_temperature", "Help with a \\ backslash\nand a newline.")
      .Set(-1.5);
  HistogramFamily& latency = registry.AddHistogramFamily(
      "blockdb_test_latency_seconds", "Statement latency.", {"kind"}, {0.005, 0.1, 1});
  Histogram& select = latency.WithLabels({"select"});
  select.Observe(0.005);  // bounds are inclusive
  select.Observe(0.05);
  select.Observe(2);
  registry.AddCollector([](std::vector<MetricFamilySnapshot>* out) {
    out->push_back(
        SingleValue("blockdb_test_applied_index", "Last applied index.", MetricType::kGauge, 42));
  });

  const std::string expected =
      "# HELP blockdb_test_requests_total Requests served.\n"
      "# TYPE blockdb_test_requests_total counter\n"
      "blockdb_test_requests_total 3\n"
      "# HELP blockdb_test_errors_total Errors by SQLSTATE and message.\n"
      "# TYPE blockdb_test_errors_total counter\n"
      "blockdb_test_errors_total{sqlstate=\"22012\",message=\"division by zero\"} 2\n"
      "blockdb_test_errors_total{sqlstate=\"23505\",message=\"duplicate \\\"key\\\"\\nat "
      "C:\\\\data\"} 1\n"
      "# HELP blockdb_test_temperature Help with a \\\\ backslash\\nand a newline.\n"
      "# TYPE blockdb_test_temperature gauge\n"
      "blockdb_test_temperature -1.5\n"
      "# HELP blockdb_test_latency_seconds Statement latency.\n"
      "# TYPE blockdb_test_latency_seconds histogram\n"
      "blockdb_test_latency_seconds_bucket{kind=\"select\",le=\"0.005\"} 1\n"
      "blockdb_test_latency_seconds_bucket{kind=\"select\",le=\"0.1\"} 2\n"
      "blockdb_test_latency_seconds_bucket{kind=\"select\",le=\"1\"} 2\n"
      "blockdb_test_latency_seconds_bucket{kind=\"select\",le=\"+Inf\"} 3\n"
      "blockdb_test_latency_seconds_sum{kind=\"select\"} 2.055\n"
      "blockdb_test_latency_seconds_count{kind=\"select\"} 3\n"
      "# HELP blockdb_test_applied_index Last applied index.\n"
      "# TYPE blockdb_test_applied_index gauge\n"
      "blockdb_test_applied_index 42\n";
  CHECK(registry.RenderText() == expected);
}

TEST_CASE("metrics: an unlabelled histogram renders le as its only label") {
  MetricFamilySnapshot family;
  family.name = "h";
  family.help = "";
  family.type = MetricType::kHistogram;
  family.bucket_bounds = {0.25};
  family.samples.push_back(MetricSample{{}, 0, {1, 4}, 7.25});
  CHECK(RenderPrometheusText({family}) ==
        "# HELP h \n# TYPE h histogram\nh_bucket{le=\"0.25\"} 1\nh_bucket{le=\"+Inf\"} 4\n"
        "h_sum 7.25\nh_count 4\n");
}

TEST_CASE("metrics: values are formatted as Prometheus parses them") {
  CHECK(FormatMetricValue(0) == "0");
  CHECK(FormatMetricValue(12345678) == "12345678");
  CHECK(FormatMetricValue(0.1) == "0.1");
  CHECK(FormatMetricValue(-2.5) == "-2.5");
  CHECK(FormatMetricValue(0.0001) == "0.0001");
  CHECK(FormatMetricValue(0.00025) == "0.00025");
  CHECK(FormatMetricValue(0.00001) == "1e-05");
  CHECK(FormatMetricValue(1.1127e-05) == "1.1127e-05");
  CHECK(FormatMetricValue(123456789012345.0) == "123456789012345");
  CHECK(FormatMetricValue(1e20) == "100000000000000000000");
  CHECK(FormatMetricValue(1e21) == "1e+21");
  CHECK(FormatMetricValue(std::numeric_limits<double>::infinity()) == "+Inf");
  CHECK(FormatMetricValue(-std::numeric_limits<double>::infinity()) == "-Inf");
  CHECK(FormatMetricValue(std::nan("")) == "NaN");
}

TEST_CASE("metrics: histogram buckets are inclusive upper bounds, NaN counts in +Inf") {
  Histogram h({1, 2});
  for (double v : {-5.0, 1.0, 1.0000001, 2.0, 3.0}) {
    h.Observe(v);
  }
  CHECK(h.CumulativeCounts() == std::vector<uint64_t>{2, 4, 5});
  CHECK(h.Sum() == doctest::Approx(2.0000001));
  h.Observe(std::nan(""));
  CHECK(h.CumulativeCounts() == std::vector<uint64_t>{2, 4, 6});
  CHECK(std::isnan(h.Sum()));
}

TEST_CASE("metrics: metric and label names are validated") {
  CHECK(IsValidMetricName("blockdb_engine_flushes_total"));
  CHECK(IsValidMetricName("a:b_c9"));
  CHECK_FALSE(IsValidMetricName(""));
  CHECK_FALSE(IsValidMetricName("9lives"));
  CHECK_FALSE(IsValidMetricName("with-dash"));
  CHECK(IsValidLabelName("sqlstate"));
  CHECK_FALSE(IsValidLabelName("__reserved"));
  CHECK_FALSE(IsValidLabelName("a:b"));
}

TEST_CASE("metrics: registering a name again returns the same metric") {
  MetricsRegistry registry;
  Counter& a = registry.AddCounter("c_total", "help");
  a.Increment();
  Counter& b = registry.AddCounter("c_total", "help");
  CHECK(&a == &b);
  CHECK(b.Value() == 1);
  CounterFamily& f1 = registry.AddCounterFamily("f_total", "help", {"kind"});
  CounterFamily& f2 = registry.AddCounterFamily("f_total", "help", {"kind"});
  CHECK(&f1 == &f2);
  CHECK(&f1.WithLabels({"x"}) == &f2.WithLabels({"x"}));
  CHECK(&f1.WithLabels({"x"}) != &f1.WithLabels({"y"}));
}

TEST_CASE("metrics: a labelled family with no children renders only its HELP and TYPE") {
  MetricsRegistry registry;
  registry.AddGaugeFamily("g", "A gauge.", {"level"});
  CHECK(registry.RenderText() == "# HELP g A gauge.\n# TYPE g gauge\n");
}

TEST_CASE("metrics: collectors run on every scrape until removed") {
  MetricsRegistry registry;
  int calls = 0;
  uint64_t id = registry.AddCollector([&calls](std::vector<MetricFamilySnapshot>* out) {
    ++calls;
    out->push_back(SingleValue("calls", "Scrapes.", MetricType::kCounter, calls));
  });
  CHECK(registry.RenderText().find("calls 1\n") != std::string::npos);
  CHECK(registry.RenderText().find("calls 2\n") != std::string::npos);
  registry.RemoveCollector(id);
  CHECK(registry.RenderText().empty());
  CHECK(calls == 2);
  registry.RemoveCollector(id);  // unknown ids are ignored
}

TEST_CASE("metrics: concurrency: increments, adds and observations are all counted") {
  MetricsRegistry registry;
  Counter& counter = registry.AddCounter("ops_total", "Operations.");
  Gauge& gauge = registry.AddGauge("level", "Level.");
  CounterFamily& by_kind = registry.AddCounterFamily("kind_total", "By kind.", {"kind"});
  Histogram& histogram = registry.AddHistogram("lat", "Latency.", {0.5, 1.5});
  constexpr int kThreads = 4;
  constexpr int kPerThread = 50'000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Counter& mine = by_kind.WithLabels({t % 2 == 0 ? "even" : "odd"});
      for (int i = 0; i < kPerThread; ++i) {
        counter.Increment();
        gauge.Add(1);
        mine.Increment();
        histogram.Observe(i % 2);  // 0 and 1: exact in binary, so the sum is exact
        if (i % 10'000 == 0) {
          (void)registry.RenderText();  // scrapes race with the writers
        }
      }
    });
  }
  for (std::thread& t : threads) {
    t.join();
  }
  constexpr uint64_t kTotal = uint64_t{kThreads} * kPerThread;
  CHECK(counter.Value() == kTotal);
  CHECK(gauge.Value() == static_cast<double>(kTotal));
  CHECK(by_kind.WithLabels({"even"}).Value() == kTotal / 2);
  CHECK(by_kind.WithLabels({"odd"}).Value() == kTotal / 2);
  CHECK(histogram.CumulativeCounts() == std::vector<uint64_t>{kTotal / 2, kTotal, kTotal});
  CHECK(histogram.Sum() == static_cast<double>(kTotal / 2));
}

}  // namespace
}  // namespace blockdb
