/* A bare libuv TCP echo server: the transport floor for `m2grl bench` (PING round trip).
 * Usage: echo-server PORT   (binds 127.0.0.1; PORT 0 picks a free one and prints it)
 * Build: Benchmarks/echo/build.sh   (cc -O2 echo.c -luv) */
#include <stdio.h>
#include <stdlib.h>
#include <uv.h>

static uv_loop_t *loop;

typedef struct { uv_write_t req; uv_buf_t buf; } write_req_t;

static void alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
    (void)h;
    buf->base = malloc(suggested);
    buf->len = suggested;
}

static void write_cb(uv_write_t *req, int status) {
    (void)status;
    write_req_t *w = (write_req_t *)req;
    free(w->buf.base);
    free(w);
}

static void close_cb(uv_handle_t *h) { free(h); }

static void read_cb(uv_stream_t *client, ssize_t nread, const uv_buf_t *buf) {
    if (nread > 0) {
        write_req_t *w = malloc(sizeof *w);
        w->buf = uv_buf_init(buf->base, (unsigned)nread);
        uv_write(&w->req, client, &w->buf, 1, write_cb);
        return;
    }
    if (nread < 0) uv_close((uv_handle_t *)client, close_cb);
    free(buf->base);
}

static void connection_cb(uv_stream_t *server, int status) {
    if (status < 0) return;
    uv_tcp_t *client = malloc(sizeof *client);
    uv_tcp_init(loop, client);
    if (uv_accept(server, (uv_stream_t *)client) == 0) {
        uv_tcp_nodelay(client, 1);
        uv_read_start((uv_stream_t *)client, alloc_cb, read_cb);
    } else {
        uv_close((uv_handle_t *)client, close_cb);
    }
}

int main(int argc, char **argv) {
    int port = argc > 1 ? atoi(argv[1]) : 0;
    loop = uv_default_loop();
    uv_tcp_t server;
    uv_tcp_init(loop, &server);
    struct sockaddr_in addr;
    uv_ip4_addr("127.0.0.1", port, &addr);
    int rc = uv_tcp_bind(&server, (const struct sockaddr *)&addr, 0);
    if (rc == 0) rc = uv_listen((uv_stream_t *)&server, 128, connection_cb);
    if (rc != 0) {
        fprintf(stderr, "echo-server: %s\n", uv_strerror(rc));
        return 1;
    }
    struct sockaddr_in bound;
    int len = sizeof bound;
    uv_tcp_getsockname(&server, (struct sockaddr *)&bound, &len);
    printf("%d\n", ntohs(bound.sin_port));
    fflush(stdout);
    return uv_run(loop, UV_RUN_DEFAULT);
}
