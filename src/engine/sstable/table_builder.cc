#include "engine/sstable/table_builder.h"

#include "common/check.h"

namespace blockdb {
namespace {

// Index blocks store every key whole: they are searched often and are small.
constexpr int kIndexRestartInterval = 1;

}  // namespace

Status TableOptions::Validate() const {
  auto bad = [](std::string_view field, std::string_view why) {
    return Status::InvalidArgument("table option " + std::string(field) + " " + std::string(why));
  };
  if (block_size < 1 || block_size > (size_t{256} << 20)) {
    return bad("block_size", "must be between 1 and 256 MiB");
  }
  if (restart_interval < 1 || restart_interval > 65536) {
    return bad("restart_interval", "must be between 1 and 65536");
  }
  if (bloom_bits_per_key > 64) {
    return bad("bloom_bits_per_key", "must be at most 64 (<= 0 disables the filter)");
  }
  return Status::OK();
}

TableBuilder::TableBuilder(const TableOptions& options, WritableFile* file)
    : options_(options),
      file_(file),
      data_block_(options.restart_interval),
      index_block_(kIndexRestartInterval),
      filter_(options.bloom_bits_per_key) {}

void TableBuilder::Add(std::string_view key, std::string_view value) {
  BLOCKDB_CHECK(!closed_);
  BLOCKDB_CHECK_MSG(num_entries_ == 0 || key > std::string_view(last_key_),
                    "TableBuilder::Add: keys must be strictly increasing");
  if (!status_.ok()) {
    return;
  }
  if (pending_index_entry_) {
    std::string separator = last_key_;
    ShortestSeparator(&separator, key);
    AddIndexEntry(separator);
  }
  if (num_entries_ == 0) {
    smallest_key_.assign(key);
  }
  filter_.AddKey(key);
  data_block_.Add(key, value);
  last_key_.assign(key);
  ++num_entries_;
  if (data_block_.CurrentSizeEstimate() >= options_.block_size) {
    FlushDataBlock();
  }
}

void TableBuilder::AddIndexEntry(std::string_view separator) {
  std::string handle;
  pending_handle_.EncodeTo(&handle);
  index_block_.Add(separator, handle);
  pending_index_entry_ = false;
}

void TableBuilder::FlushDataBlock() {
  if (data_block_.empty() || !status_.ok()) {
    return;
  }
  WriteBlock(data_block_.Finish(), options_.compress, &pending_handle_);
  data_block_.Reset();
  pending_index_entry_ = true;
  if (status_.ok()) {
    status_ = file_->Flush();
  }
}

void TableBuilder::WriteBlock(std::string_view contents, bool may_compress, BlockHandle* handle) {
  BlockCompression type = BlockCompression::kNone;
  std::string_view stored = contents;
  if (may_compress && Lz4Compress(contents, &compressed_) &&
      compressed_.size() <= contents.size() - contents.size() / 8) {
    type = BlockCompression::kLz4;
    stored = compressed_;
  }
  handle->offset = offset_;
  handle->size = stored.size();
  WriteRaw(stored);
  std::string trailer;
  AppendBlockTrailer(stored, type, &trailer);
  WriteRaw(trailer);
}

void TableBuilder::WriteRaw(std::string_view data) {
  if (!status_.ok()) {
    return;
  }
  status_ = file_->Append(data);
  if (status_.ok()) {
    offset_ += data.size();
  }
}

Status TableBuilder::Finish() {
  BLOCKDB_CHECK(!closed_);
  FlushDataBlock();
  closed_ = true;
  if (pending_index_entry_) {
    std::string successor = last_key_;
    ShortSuccessor(&successor);
    AddIndexEntry(successor);
  }
  Footer footer;
  std::string filter;
  filter_.Finish(&filter);
  WriteBlock(filter, /*may_compress=*/false, &footer.filter);

  TableProperties props;
  props.num_entries = num_entries_;
  props.smallest = smallest_key_;
  props.largest = last_key_;
  std::string encoded_props;
  props.EncodeTo(&encoded_props);
  WriteBlock(encoded_props, /*may_compress=*/false, &footer.properties);

  WriteBlock(index_block_.Finish(), options_.compress, &footer.index);
  std::string encoded_footer;
  footer.EncodeTo(&encoded_footer);
  WriteRaw(encoded_footer);
  return status_;
}

void TableBuilder::Abandon() {
  BLOCKDB_CHECK(!closed_);
  closed_ = true;
}

}  // namespace blockdb
