/*
 * bench_server: the C-core baseline server for Scripts/bench-transport.sh.
 *
 *   bench_server [--port] PORT        (0 = ephemeral; prints "port: N")
 *
 * Plaintext HTTP/2 on 127.0.0.1. Method /aeraki.bench.Push/Stream (bidi):
 * the client sends one message "M K"; the server answers with M messages of
 * K bytes, then status OK. Everything runs on ONE completion queue drained by
 * ONE thread (main). SIGTERM/SIGINT shut the server down cleanly.
 *
 * Per-call state machine (every batch carries a tag pointing at a struct
 * op_tag embedded in the call, so the dispatcher knows call and step):
 *
 *   NEW_CALL   grpc_server_request_call completed: a call arrived.
 *              -> immediately request the next call (keep accepting)
 *              -> batch {RECV_CLOSE_ON_SERVER}                      [CLOSE]
 *              -> batch {SEND_INITIAL_METADATA, RECV_MESSAGE}       [RECV]
 *                 (or, for an unknown method, status UNIMPLEMENTED) [STATUS]
 *   RECV       parse "M K"; build one K-byte slice shared by all sends
 *              -> batch {SEND_MESSAGE}                              [SEND]
 *                 (bad request: status INVALID_ARGUMENT)            [STATUS]
 *   SEND       one message out; core allows one send in flight per call
 *              -> next {SEND_MESSAGE} while messages remain         [SEND]
 *              -> else {SEND_STATUS_FROM_SERVER OK}                 [STATUS]
 *   STATUS     nothing more to send.
 *   CLOSE      the client half-closed or the call was cancelled.
 *
 * `pending` counts the batches in flight; the call is freed when it drops
 * to zero (CLOSE always completes eventually: on cancellation, or once the
 * status is sent). A failed op means the call is dead (client cancelled or
 * went away): we cancel it and stop issuing new batches.
 */
#include "bench_common.h"

#include <grpc/byte_buffer.h>
#include <grpc/byte_buffer_reader.h>
#include <grpc/grpc_security.h>
#include <grpc/slice.h>
#include <signal.h>
#include <string.h>

enum op_kind { OP_NEW_CALL, OP_RECV, OP_SEND, OP_STATUS, OP_CLOSE, OP_SHUTDOWN };

struct call_state;

struct op_tag {
    enum op_kind kind;
    struct call_state *call;
};

struct call_state {
    grpc_call *call;
    grpc_call_details details;
    grpc_metadata_array request_metadata;
    int pending;             /* batches in flight */
    int dead;                /* an op failed: issue no more batches */
    int close_cancelled;     /* output of RECV_CLOSE_ON_SERVER */
    int sent_initial_metadata;
    grpc_byte_buffer *recv_buffer;
    grpc_byte_buffer *send_buffer;
    grpc_slice payload;      /* K bytes, ref'd by every send buffer */
    int has_payload;
    long remaining;          /* messages still to send */
    grpc_slice status_details;
    struct op_tag tag_new_call, tag_recv, tag_send, tag_status, tag_close;
};

static grpc_server *server;
static grpc_completion_queue *cq;
static int shutting_down;
static volatile sig_atomic_t stop_requested;

static void on_signal(int sig) {
    (void)sig;
    stop_requested = 1;
}

static void start_batch(struct call_state *cs, const grpc_op *ops, size_t n, struct op_tag *tag) {
    CHECK_CALL(grpc_call_start_batch(cs->call, ops, n, tag, NULL));
    cs->pending++;
}

/* Ask core for the next incoming call; its completion is OP_NEW_CALL. */
static void request_new_call(void) {
    struct call_state *cs = calloc(1, sizeof *cs);
    CHECK_PTR(cs);
    cs->tag_new_call = (struct op_tag){OP_NEW_CALL, cs};
    cs->tag_recv = (struct op_tag){OP_RECV, cs};
    cs->tag_send = (struct op_tag){OP_SEND, cs};
    cs->tag_status = (struct op_tag){OP_STATUS, cs};
    cs->tag_close = (struct op_tag){OP_CLOSE, cs};
    cs->status_details = grpc_empty_slice();
    grpc_call_details_init(&cs->details);
    grpc_metadata_array_init(&cs->request_metadata);
    CHECK_CALL(grpc_server_request_call(server, &cs->call, &cs->details, &cs->request_metadata,
                                        cq, cq, &cs->tag_new_call));
}

static void free_call(struct call_state *cs) {
    if (cs->call) grpc_call_unref(cs->call);
    if (cs->has_payload) grpc_slice_unref(cs->payload);
    if (cs->recv_buffer) grpc_byte_buffer_destroy(cs->recv_buffer);
    if (cs->send_buffer) grpc_byte_buffer_destroy(cs->send_buffer);
    grpc_slice_unref(cs->status_details);
    grpc_call_details_destroy(&cs->details);
    grpc_metadata_array_destroy(&cs->request_metadata);
    free(cs);
}

static void maybe_free(struct call_state *cs) {
    if (cs->pending == 0) free_call(cs);
}

static void send_status(struct call_state *cs, grpc_status_code code, const char *details) {
    grpc_op ops[2];
    size_t n = 0;
    memset(ops, 0, sizeof ops);
    cs->status_details = grpc_slice_from_copied_string(details);
    if (!cs->sent_initial_metadata) { /* e.g. unknown method */
        ops[n++].op = GRPC_OP_SEND_INITIAL_METADATA;
        cs->sent_initial_metadata = 1;
    }
    ops[n].op = GRPC_OP_SEND_STATUS_FROM_SERVER;
    ops[n].data.send_status_from_server.status = code;
    ops[n].data.send_status_from_server.status_details = &cs->status_details;
    ops[n].data.send_status_from_server.trailing_metadata_count = 0;
    n++;
    start_batch(cs, ops, n, &cs->tag_status);
}

static void send_next_message(struct call_state *cs) {
    grpc_op op;
    memset(&op, 0, sizeof op);
    cs->send_buffer = grpc_raw_byte_buffer_create(&cs->payload, 1); /* refs payload */
    CHECK_PTR(cs->send_buffer);
    op.op = GRPC_OP_SEND_MESSAGE;
    op.data.send_message.send_message = cs->send_buffer;
    start_batch(cs, &op, 1, &cs->tag_send);
}

static void mark_dead(struct call_state *cs) {
    if (!cs->dead) {
        cs->dead = 1;
        CHECK_CALL(grpc_call_cancel(cs->call, NULL)); /* makes CLOSE complete */
    }
}

static void on_new_call(struct call_state *cs, int success) {
    if (!success) { /* server shutting down: no call was created */
        free_call(cs);
        return;
    }
    if (!shutting_down) request_new_call();

    grpc_op close_op;
    memset(&close_op, 0, sizeof close_op);
    close_op.op = GRPC_OP_RECV_CLOSE_ON_SERVER;
    close_op.data.recv_close_on_server.cancelled = &cs->close_cancelled;
    start_batch(cs, &close_op, 1, &cs->tag_close);

    if (grpc_slice_str_cmp(cs->details.method, BENCH_METHOD) != 0) {
        send_status(cs, GRPC_STATUS_UNIMPLEMENTED, "unknown method");
        return;
    }
    grpc_op ops[2];
    memset(ops, 0, sizeof ops);
    ops[0].op = GRPC_OP_SEND_INITIAL_METADATA;
    ops[1].op = GRPC_OP_RECV_MESSAGE;
    ops[1].data.recv_message.recv_message = &cs->recv_buffer;
    start_batch(cs, ops, 2, &cs->tag_recv);
    cs->sent_initial_metadata = 1;
}

/* Reads the request "M K" out of cs->recv_buffer; returns 0 if malformed. */
static int parse_request(struct call_state *cs, long *messages, long *size) {
    grpc_byte_buffer_reader reader;
    char text[64];
    if (!grpc_byte_buffer_reader_init(&reader, cs->recv_buffer)) return 0;
    grpc_slice all = grpc_byte_buffer_reader_readall(&reader);
    grpc_byte_buffer_reader_destroy(&reader);
    size_t len = GRPC_SLICE_LENGTH(all);
    int ok = len < sizeof text;
    if (ok) {
        memcpy(text, GRPC_SLICE_START_PTR(all), len);
        text[len] = '\0';
        ok = sscanf(text, "%ld %ld", messages, size) == 2 && *messages >= 0 && *size >= 0 &&
             *size <= BENCH_MAX_MESSAGE;
    }
    grpc_slice_unref(all);
    return ok;
}

static void on_recv(struct call_state *cs, int success) {
    long messages = 0, size = 0;
    if (!success) {
        mark_dead(cs);
        return;
    }
    if (cs->dead) return;
    if (cs->recv_buffer == NULL || !parse_request(cs, &messages, &size)) {
        send_status(cs, GRPC_STATUS_INVALID_ARGUMENT, "expected one message \"M K\"");
        return;
    }
    grpc_byte_buffer_destroy(cs->recv_buffer);
    cs->recv_buffer = NULL;

    cs->payload = grpc_slice_malloc((size_t)size);
    memset(GRPC_SLICE_START_PTR(cs->payload), 'x', (size_t)size);
    cs->has_payload = 1;
    cs->remaining = messages;
    if (messages == 0)
        send_status(cs, GRPC_STATUS_OK, "");
    else
        send_next_message(cs);
}

static void on_send(struct call_state *cs, int success) {
    grpc_byte_buffer_destroy(cs->send_buffer);
    cs->send_buffer = NULL;
    if (!success) {
        mark_dead(cs);
        return;
    }
    if (cs->dead) return;
    if (--cs->remaining > 0)
        send_next_message(cs);
    else
        send_status(cs, GRPC_STATUS_OK, "");
}

static int parse_port(int argc, char **argv) {
    const char *value = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--port") == 0 && i + 1 < argc)
            value = argv[++i];
        else if (argv[i][0] != '-')
            value = argv[i];
        else {
            fprintf(stderr, "usage: %s [--port] PORT\n", argv[0]);
            exit(2);
        }
    }
    if (value == NULL) return 0;
    char *end;
    long port = strtol(value, &end, 10);
    if (*end != '\0' || port < 0 || port > 65535) {
        fprintf(stderr, "bad port: %s\n", value);
        exit(2);
    }
    return (int)port;
}

int main(int argc, char **argv) {
    int port = parse_port(argc, argv);
    char address[64];
    snprintf(address, sizeof address, "127.0.0.1:%d", port);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    grpc_init();
    cq = grpc_completion_queue_create_for_next(NULL);
    CHECK_PTR(cq);
    server = grpc_server_create(bench_channel_args(), NULL);
    CHECK_PTR(server);
    grpc_server_register_completion_queue(server, cq, NULL);
    grpc_server_credentials *creds = grpc_insecure_server_credentials_create();
    CHECK_PTR(creds);
    int bound = grpc_server_add_http2_port(server, address, creds);
    grpc_server_credentials_release(creds);
    if (bound == 0) {
        fprintf(stderr, "cannot bind %s\n", address);
        return 1;
    }
    grpc_server_start(server);
    printf("port: %d\n", bound);
    fflush(stdout);

    /* A few outstanding requests so bursts of new calls are accepted fast. */
    for (int i = 0; i < 8; i++) request_new_call();

    struct op_tag shutdown_tag = {OP_SHUTDOWN, NULL};
    int server_done = 0, cq_shut = 0;
    for (;;) {
        grpc_event ev = grpc_completion_queue_next(cq, bench_deadline_in_ms(200), NULL);
        if (ev.type == GRPC_QUEUE_SHUTDOWN) break;
        if (stop_requested && !shutting_down) {
            /* Stop accepting; in-flight calls are cancelled and drain. */
            shutting_down = 1;
            grpc_server_shutdown_and_notify(server, cq, &shutdown_tag);
            grpc_server_cancel_all_calls(server);
        }
        if (ev.type == GRPC_QUEUE_TIMEOUT) continue;
        struct op_tag *tag = ev.tag;
        struct call_state *cs = tag->call;
        switch (tag->kind) {
        case OP_NEW_CALL:
            on_new_call(cs, ev.success);
            break; /* nothing pending yet if it failed */
        case OP_RECV:
            cs->pending--;
            on_recv(cs, ev.success);
            maybe_free(cs);
            break;
        case OP_SEND:
            cs->pending--;
            on_send(cs, ev.success);
            maybe_free(cs);
            break;
        case OP_STATUS:
            cs->pending--;
            if (!ev.success) mark_dead(cs);
            maybe_free(cs);
            break;
        case OP_CLOSE:
            cs->pending--;
            maybe_free(cs);
            break;
        case OP_SHUTDOWN:
            server_done = 1;
            break;
        }
        if (server_done && !cq_shut) {
            /* All calls finished: no more events will be produced. */
            grpc_server_destroy(server);
            grpc_completion_queue_shutdown(cq);
            cq_shut = 1;
        }
    }
    grpc_completion_queue_destroy(cq);
    grpc_shutdown();
    return 0;
}
