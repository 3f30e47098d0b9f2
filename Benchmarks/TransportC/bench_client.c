/*
 * bench_client: load generator for Scripts/bench-transport.sh.
 *
 *   bench_client --port P [--streams N] [--messages M] [--size K] [--host H]
 *                [--timeout-s S]   (per-call deadline, default 600)
 *
 * Opens N concurrent calls to /aeraki.bench.Push/Stream on one channel
 * (one HTTP/2 connection), each sending "M K" and then reading messages
 * until the status arrives. Checks every call received exactly M messages
 * and M*K bytes with status OK, then prints
 *
 *   streams: N messages: X bytes: Y seconds: Z
 *   throughput_bytes_per_s: T
 *   messages_per_s: R
 *
 * Z is the wall time from the first call start to the last call end (the
 * connection is established before the clock starts). Exit status 1 on any
 * mismatch or non-OK status, 2 on usage/API errors.
 *
 * One completion queue, drained by one thread. Per-call state machine (tags
 * are struct op_tag embedded in the call):
 *
 *   start: batch {SEND_INITIAL_METADATA, SEND_MESSAGE "M K",
 *                 SEND_CLOSE_FROM_CLIENT}                         [SEND]
 *          batch {RECV_STATUS_ON_CLIENT}                          [STATUS]
 *          batch {RECV_INITIAL_METADATA, RECV_MESSAGE}            [RECV]
 *   RECV   message -> count it, batch {RECV_MESSAGE} again        [RECV]
 *          no message (stream ended) or failure -> stop reading
 *   SEND / STATUS  just complete.
 *
 * A call is finished when its three lines of batches are done (pending == 0).
 */
#include "bench_common.h"

#include <grpc/byte_buffer.h>
#include <grpc/grpc_security.h>
#include <grpc/slice.h>
#include <grpc/support/alloc.h>
#include <string.h>
#include <time.h>

enum op_kind { OP_SEND, OP_RECV, OP_STATUS };

struct call_state;

struct op_tag {
    enum op_kind kind;
    struct call_state *call;
};

struct call_state {
    grpc_call *call;
    int pending;                    /* batches in flight */
    long messages;                  /* received so far */
    long bytes;
    grpc_byte_buffer *request;
    grpc_byte_buffer *recv_buffer;
    grpc_metadata_array initial_metadata;
    grpc_metadata_array trailing_metadata;
    grpc_status_code status;
    grpc_slice status_details;
    struct op_tag tag_send, tag_recv, tag_status;
};

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long parse_long(const char *flag, const char *value, long min) {
    char *end;
    long v = strtol(value, &end, 10);
    if (*end != '\0' || v < min) {
        fprintf(stderr, "bad value for %s: %s\n", flag, value);
        exit(2);
    }
    return v;
}

static void start_batch(struct call_state *cs, const grpc_op *ops, size_t n, struct op_tag *tag) {
    CHECK_CALL(grpc_call_start_batch(cs->call, ops, n, tag, NULL));
    cs->pending++;
}

static void start_recv(struct call_state *cs, int with_initial_metadata) {
    grpc_op ops[2];
    size_t n = 0;
    memset(ops, 0, sizeof ops);
    if (with_initial_metadata) {
        ops[n].op = GRPC_OP_RECV_INITIAL_METADATA;
        ops[n].data.recv_initial_metadata.recv_initial_metadata = &cs->initial_metadata;
        n++;
    }
    ops[n].op = GRPC_OP_RECV_MESSAGE;
    ops[n].data.recv_message.recv_message = &cs->recv_buffer;
    n++;
    start_batch(cs, ops, n, &cs->tag_recv);
}

static void start_call(struct call_state *cs, grpc_channel *channel, grpc_completion_queue *cq,
                       const char *request_text, gpr_timespec deadline) {
    grpc_slice method = grpc_slice_from_static_string(BENCH_METHOD);
    cs->call = grpc_channel_create_call(channel, NULL, GRPC_PROPAGATE_DEFAULTS, cq, method, NULL,
                                        deadline, NULL);
    CHECK_PTR(cs->call);
    cs->tag_send = (struct op_tag){OP_SEND, cs};
    cs->tag_recv = (struct op_tag){OP_RECV, cs};
    cs->tag_status = (struct op_tag){OP_STATUS, cs};
    grpc_metadata_array_init(&cs->initial_metadata);
    grpc_metadata_array_init(&cs->trailing_metadata);
    cs->status_details = grpc_empty_slice();

    grpc_slice text = grpc_slice_from_copied_string(request_text);
    cs->request = grpc_raw_byte_buffer_create(&text, 1);
    grpc_slice_unref(text);
    CHECK_PTR(cs->request);

    grpc_op ops[3];
    memset(ops, 0, sizeof ops);
    ops[0].op = GRPC_OP_SEND_INITIAL_METADATA;
    ops[1].op = GRPC_OP_SEND_MESSAGE;
    ops[1].data.send_message.send_message = cs->request;
    ops[2].op = GRPC_OP_SEND_CLOSE_FROM_CLIENT;
    start_batch(cs, ops, 3, &cs->tag_send);

    grpc_op status_op;
    memset(&status_op, 0, sizeof status_op);
    status_op.op = GRPC_OP_RECV_STATUS_ON_CLIENT;
    status_op.data.recv_status_on_client.trailing_metadata = &cs->trailing_metadata;
    status_op.data.recv_status_on_client.status = &cs->status;
    status_op.data.recv_status_on_client.status_details = &cs->status_details;
    start_batch(cs, &status_op, 1, &cs->tag_status);

    start_recv(cs, 1);
}

/* Wait (up to 10 s) until the channel is READY so connecting is not timed. */
static void wait_until_ready(grpc_channel *channel, grpc_completion_queue *cq) {
    gpr_timespec deadline = bench_deadline_in_ms(10000);
    for (;;) {
        grpc_connectivity_state state = grpc_channel_check_connectivity_state(channel, 1);
        if (state == GRPC_CHANNEL_READY) return;
        grpc_channel_watch_connectivity_state(channel, state, deadline, cq, NULL);
        grpc_event ev = grpc_completion_queue_next(cq, gpr_inf_future(GPR_CLOCK_REALTIME), NULL);
        if (ev.type != GRPC_OP_COMPLETE || !ev.success) {
            fprintf(stderr, "error: channel not ready within 10 s (state %d)\n", (int)state);
            exit(1);
        }
    }
}

int main(int argc, char **argv) {
    long port = -1, streams = 64, messages = 2000, size = 4096, timeout_s = 600;
    const char *host = "127.0.0.1";
    for (int i = 1; i < argc; i++) {
        const char *flag = argv[i];
        if (i + 1 >= argc) {
            fprintf(stderr, "missing value for %s\n", flag);
            return 2;
        }
        const char *value = argv[++i];
        if (strcmp(flag, "--port") == 0) port = parse_long(flag, value, 1);
        else if (strcmp(flag, "--streams") == 0) streams = parse_long(flag, value, 1);
        else if (strcmp(flag, "--messages") == 0) messages = parse_long(flag, value, 0);
        else if (strcmp(flag, "--size") == 0) size = parse_long(flag, value, 0);
        else if (strcmp(flag, "--host") == 0) host = value;
        else if (strcmp(flag, "--timeout-s") == 0) timeout_s = parse_long(flag, value, 1);
        else {
            fprintf(stderr, "usage: %s --port P [--streams N] [--messages M] [--size K] [--host H] [--timeout-s S]\n",
                    argv[0]);
            return 2;
        }
    }
    if (port < 1 || port > 65535) {
        fprintf(stderr, "--port is required (1-65535)\n");
        return 2;
    }
    if (size > BENCH_MAX_MESSAGE) {
        fprintf(stderr, "--size above %d\n", BENCH_MAX_MESSAGE);
        return 2;
    }

    char target[300], request_text[64];
    snprintf(target, sizeof target, "%s:%ld", host, port);
    snprintf(request_text, sizeof request_text, "%ld %ld", messages, size);

    grpc_init();
    grpc_completion_queue *cq = grpc_completion_queue_create_for_next(NULL);
    CHECK_PTR(cq);
    grpc_channel_credentials *creds = grpc_insecure_credentials_create();
    CHECK_PTR(creds);
    grpc_channel *channel = grpc_channel_create(target, creds, bench_channel_args());
    grpc_channel_credentials_release(creds);
    CHECK_PTR(channel);
    wait_until_ready(channel, cq);

    struct call_state *calls = calloc((size_t)streams, sizeof *calls);
    CHECK_PTR(calls);
    double start = now_seconds();
    gpr_timespec deadline = bench_deadline_in_ms(timeout_s * 1000);
    for (long i = 0; i < streams; i++) start_call(&calls[i], channel, cq, request_text, deadline);

    long active = streams;
    while (active > 0) {
        grpc_event ev = grpc_completion_queue_next(cq, gpr_inf_future(GPR_CLOCK_REALTIME), NULL);
        if (ev.type != GRPC_OP_COMPLETE) {
            fprintf(stderr, "error: unexpected completion queue event %d\n", (int)ev.type);
            return 2;
        }
        struct op_tag *tag = ev.tag;
        struct call_state *cs = tag->call;
        cs->pending--;
        if (tag->kind == OP_RECV && ev.success && cs->recv_buffer != NULL) {
            cs->messages++;
            cs->bytes += (long)grpc_byte_buffer_length(cs->recv_buffer);
            grpc_byte_buffer_destroy(cs->recv_buffer);
            cs->recv_buffer = NULL;
            start_recv(cs, 0);
        }
        /* SEND failures show up in the status; a RECV without a message
           means the stream ended. */
        if (cs->pending == 0) active--;
    }
    double seconds = now_seconds() - start;

    long total_messages = 0, total_bytes = 0, failures = 0;
    for (long i = 0; i < streams; i++) {
        struct call_state *cs = &calls[i];
        total_messages += cs->messages;
        total_bytes += cs->bytes;
        if (cs->status != GRPC_STATUS_OK || cs->messages != messages ||
            cs->bytes != messages * size) {
            if (failures++ < 5) {
                char *details = grpc_slice_to_c_string(cs->status_details);
                fprintf(stderr, "error: call %ld: status %d (%s), %ld messages, %ld bytes\n", i,
                        (int)cs->status, details, cs->messages, cs->bytes);
                gpr_free(details);
            }
        }
        grpc_byte_buffer_destroy(cs->request);
        grpc_metadata_array_destroy(&cs->initial_metadata);
        grpc_metadata_array_destroy(&cs->trailing_metadata);
        grpc_slice_unref(cs->status_details);
        grpc_call_unref(cs->call);
    }
    free(calls);

    printf("streams: %ld messages: %ld bytes: %ld seconds: %.6f\n", streams, total_messages,
           total_bytes, seconds);
    printf("throughput_bytes_per_s: %.0f\n", (double)total_bytes / seconds);
    printf("messages_per_s: %.0f\n", (double)total_messages / seconds);
    if (failures) fprintf(stderr, "error: %ld of %ld calls failed\n", failures, streams);

    grpc_channel_destroy(channel);
    grpc_completion_queue_shutdown(cq);
    while (grpc_completion_queue_next(cq, gpr_inf_future(GPR_CLOCK_REALTIME), NULL).type !=
           GRPC_QUEUE_SHUTDOWN) {
    }
    grpc_completion_queue_destroy(cq);
    grpc_shutdown();
    return failures ? 1 : 0;
}
