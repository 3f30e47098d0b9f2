// The gRPC C core (Debian's libgrpc-dev), plus the few helpers Swift cannot express directly.
//
// Everything here is prefixed `CLibGRPC_`. Only the LibGRPCTransport module imports this module.
// The helpers exist for four reasons:
//   * macros and inline functions (`GRPC_SLICE_START_PTR`, ...) do not cross into Swift;
//   * a batch's operations point into memory that must outlive `grpc_call_start_batch`; keeping
//     that memory in one C struct (`CLibGRPC_batch`) makes its ownership obvious;
//   * channel arguments are a tagged union whose strings must stay alive; building them here keeps
//     that bookkeeping out of Swift;
//   * ThreadSanitizer's annotation functions exist only in TSan builds, so Swift calls them through
//     wrappers that are empty otherwise.
#ifndef CLIBGRPC_H
#define CLIBGRPC_H

#include <grpc/byte_buffer.h>
#include <grpc/byte_buffer_reader.h>
#include <grpc/grpc.h>
#include <grpc/grpc_security.h>
#include <grpc/slice.h>
#include <grpc/support/alloc.h>
#include <grpc/support/time.h>
#include <stddef.h>
#include <stdint.h>

// MARK: - Batches

/// The most operations a single batch may hold (one of each kind that may be combined).
#define CLIBGRPC_MAX_OPS 6

/// Everything one `grpc_call_start_batch` points into: the op array, the buffers to send, and the
/// slots core fills in. It lives inside a Swift-owned tag object until the batch's completion is
/// dequeued; `CLibGRPC_batch_reset` releases what core handed back.
typedef struct CLibGRPC_batch {
    grpc_op ops[CLIBGRPC_MAX_OPS];
    size_t op_count;

    // Send side (owned copies).
    grpc_metadata *send_metadata;
    size_t send_metadata_count;
    grpc_byte_buffer *send_message;
    grpc_slice send_status_details;
    int has_send_status_details;

    // Receive side (filled in by core).
    grpc_metadata_array recv_initial_metadata;
    grpc_metadata_array recv_trailing_metadata;
    grpc_byte_buffer *recv_message;
    grpc_status_code recv_status;
    grpc_slice recv_status_details;
    const char *recv_error_string;
    int recv_cancelled;
} CLibGRPC_batch;

/// Zeroes a batch before first use.
void CLibGRPC_batch_init(CLibGRPC_batch *batch);

/// Releases every buffer, slice and metadata array the batch owns and zeroes it again.
void CLibGRPC_batch_reset(CLibGRPC_batch *batch);

/// Adds SEND_INITIAL_METADATA with copies of `count` key/value pairs.
void CLibGRPC_batch_add_send_initial_metadata(CLibGRPC_batch *batch, const char *const *keys,
                                              const uint8_t *const *values, const size_t *value_lengths,
                                              size_t count);

/// Adds SEND_MESSAGE with a copy of `length` bytes.
void CLibGRPC_batch_add_send_message(CLibGRPC_batch *batch, const void *bytes, size_t length);

/// Adds SEND_MESSAGE of a slice that is shared, not copied (the batch holds its own reference).
void CLibGRPC_batch_add_send_slice(CLibGRPC_batch *batch, const grpc_slice *slice);

/// Adds SEND_CLOSE_FROM_CLIENT.
void CLibGRPC_batch_add_send_close_from_client(CLibGRPC_batch *batch);

/// Adds SEND_STATUS_FROM_SERVER with a copy of the details and of `count` trailing metadata pairs.
/// A batch holds either initial or trailing metadata to send, never both.
void CLibGRPC_batch_add_send_status_from_server(CLibGRPC_batch *batch, grpc_status_code code,
                                                const char *details, const char *const *keys,
                                                const uint8_t *const *values, const size_t *value_lengths,
                                                size_t count);

/// Adds RECV_INITIAL_METADATA.
void CLibGRPC_batch_add_recv_initial_metadata(CLibGRPC_batch *batch);

/// Adds RECV_MESSAGE.
void CLibGRPC_batch_add_recv_message(CLibGRPC_batch *batch);

/// Adds RECV_STATUS_ON_CLIENT.
void CLibGRPC_batch_add_recv_status_on_client(CLibGRPC_batch *batch);

/// Adds RECV_CLOSE_ON_SERVER.
void CLibGRPC_batch_add_recv_close_on_server(CLibGRPC_batch *batch);

/// Starts the batch's operations on `call`, with `tag` as the completion tag.
grpc_call_error CLibGRPC_batch_start(grpc_call *call, CLibGRPC_batch *batch, void *tag);

// MARK: - Byte buffers and slices

/// The number of bytes in a (possibly compressed) received buffer, after decompression.
size_t CLibGRPC_byte_buffer_length(grpc_byte_buffer *buffer);

/// Copies a received buffer's bytes into `destination`, which holds at least
/// `CLibGRPC_byte_buffer_length(buffer)` bytes. Returns 0 when the buffer cannot be read.
int CLibGRPC_byte_buffer_copy(grpc_byte_buffer *buffer, uint8_t *destination);

/// The start of a slice's bytes; the slice is passed by pointer because small slices are inlined.
const uint8_t *CLibGRPC_slice_start(const grpc_slice *slice);

/// The length of a slice.
size_t CLibGRPC_slice_length(const grpc_slice *slice);

/// A reference-counted slice holding a copy of `length` bytes.
grpc_slice CLibGRPC_slice_from_bytes(const void *bytes, size_t length);

/// Drops one reference to a slice.
void CLibGRPC_slice_unref(const grpc_slice *slice);

/// A slice of a C string, copied.
grpc_slice CLibGRPC_slice_from_string(const char *string);

// MARK: - Metadata arrays

/// Key and value of entry `index` of a received metadata array (pointers into core-owned slices,
/// valid until the array is destroyed).
void CLibGRPC_metadata_entry(const grpc_metadata_array *array, size_t index, const grpc_slice **key,
                             const grpc_slice **value);

// MARK: - Server call bookkeeping

/// The slots `grpc_server_request_call` fills for one accepted call.
typedef struct CLibGRPC_request_call {
    grpc_call *call;
    grpc_call_details details;
    grpc_metadata_array request_metadata;
} CLibGRPC_request_call;

/// Zeroes the slots before `grpc_server_request_call`.
void CLibGRPC_request_call_init(CLibGRPC_request_call *request);

/// Releases the details and metadata (not the call, which the caller now owns).
void CLibGRPC_request_call_reset(CLibGRPC_request_call *request);

/// Asks `server` for the next call, filling `request`; completion goes to `cq` with `tag`.
grpc_call_error CLibGRPC_server_request_call(grpc_server *server, CLibGRPC_request_call *request,
                                      grpc_completion_queue *cq, void *tag);

// MARK: - Channel arguments

/// A heap-allocated `grpc_channel_args` with owned keys and string values.
grpc_channel_args *CLibGRPC_args_create(size_t capacity);
void CLibGRPC_args_add_integer(grpc_channel_args *args, const char *key, int value);
void CLibGRPC_args_add_string(grpc_channel_args *args, const char *key, const char *value);
void CLibGRPC_args_destroy(grpc_channel_args *args);

// MARK: - Time

/// An absolute monotonic deadline `milliseconds` from now; negative means infinite.
gpr_timespec CLibGRPC_deadline_after_ms(int64_t milliseconds);

/// The infinite future.
gpr_timespec CLibGRPC_infinite_future(void);

// MARK: - Security

/// Server credentials from PEM strings. `client_ca` may be NULL (no client certificates); with a CA,
/// `require_client_certificate` selects between requesting and requiring a verified certificate.
grpc_server_credentials *CLibGRPC_ssl_server_credentials(const char *certificate_chain, const char *private_key,
                                                         const char *client_ca, int require_client_certificate);

/// Channel credentials from PEM strings; `root_certificates` NULL means the system roots, the
/// client certificate and key may be NULL.
grpc_channel_credentials *CLibGRPC_ssl_channel_credentials(const char *root_certificates,
                                                           const char *certificate_chain,
                                                           const char *private_key);

/// Calls `visit` for every property of the call's authentication context (nothing when the call is
/// not authenticated). `name` and `value` are valid only during the callback.
void CLibGRPC_call_auth_properties(grpc_call *call, void *context,
                                   void (*visit)(void *context, const char *name, const char *value,
                                                 size_t value_length));

/// The peer address of a call, copied into `buffer` (NUL-terminated, truncated to `capacity`).
void CLibGRPC_call_peer(grpc_call *call, char *buffer, size_t capacity);

// MARK: - ThreadSanitizer

/// Tells ThreadSanitizer that everything this thread did so far happens before whatever a thread
/// does after a later `CLibGRPC_tsan_acquire(address)` (as a mutex unlock does for the next lock).
/// For the hand-offs TSan cannot see: core orders a tag's start before its completion through
/// abseil mutexes and atomics in the uninstrumented Debian library, and on Linux the Swift
/// runtime's continuation resume is not visible to TSan either (see Scripts/tsan.supp).
/// Does nothing unless built with TSan.
void CLibGRPC_tsan_release(const void *address);

/// The other half of `CLibGRPC_tsan_release`.
void CLibGRPC_tsan_acquire(const void *address);

#endif
