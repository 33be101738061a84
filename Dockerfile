# syntax=docker/dockerfile:1
# easel, two images from one file:
#   docker build --target cpu -t easel:cpu .   ONNX Runtime on the CPU (also what a plain `docker build .` gives)
#   docker build --target gpu -t easel:gpu .   tfjs-node-gpu on CUDA 11.8 + cuDNN 8 (what tfjs-node-gpu 4.22 needs)
# Run:
#   docker run --env-file easel.env -v easel-cache:/cache -v easel-data:/data -v /srv/easel/shared:/shared:ro easel:cpu
#   (the gpu image: add --gpus all). compose.yaml does the same.
# /shared is laid out like ../shared next to a checkout (images/styles/…, models/vgg19/…); without models/vgg19 in
# it, the VGG19 weights are downloaded once into the /cache volume.

ARG NODE_IMAGE=node:20-bookworm-slim
ARG CUDA_IMAGE=nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu22.04

# Node.js for both targets: the cpu image is built on it, the gpu image copies its binaries (no script piped to
# a shell).
FROM ${NODE_IMAGE} AS node

# Compiles the TypeScript. --ignore-scripts: the compiler needs no native add-on, and it keeps `prepare` (which is
# the build) from running before the sources are here; the build runs once, explicitly, below.
FROM node AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# What both images run, owned by root so that the bot cannot rewrite itself.
FROM scratch AS app
COPY package.json /app/
COPY commands /app/commands
COPY config /app/config
COPY --from=build /app/dist /app/dist

# Production dependencies for the cpu image. ONNX Runtime and sharp ship their CPU binaries inside their packages, so
# install scripts stay off, but for one: better-sqlite3 (the job journal) fetches or compiles its add-on in its own,
# with the tools below when no prebuilt one fits. The tfjs-node packages would download libtensorflow in theirs;
# this image does not use them, so they are removed rather than left half-installed.
FROM node AS cpu-deps
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3 \
 && rm -rf node_modules/@tensorflow/tfjs-node node_modules/@tensorflow/tfjs-node-gpu

# The CUDA runtime with Node.js in it. The official binaries need glibc 2.28; Ubuntu 22.04 has 2.35.
FROM ${CUDA_IMAGE} AS cuda-node
COPY --from=node /usr/local/bin/node /usr/local/bin/node

# Production dependencies for the gpu image, installed on the CUDA image itself so that tfjs-node-gpu's add-on and
# libtensorflow match the system they run on. Its install script downloads both (and compiles the add-on, with the
# tools below, when no prebuilt one fits); better-sqlite3's (the job journal) is the only other this image runs.
FROM cuda-node AS gpu-deps
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY --from=node /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm rebuild @tensorflow/tfjs-node-gpu better-sqlite3 \
 && rm -rf node_modules/@tensorflow/tfjs-node

# ---- gpu target ----
FROM cuda-node AS gpu
# EASEL_OPS_HOST: inside a container loopback would hide the ops port from `docker run -p`; the container is the
# boundary, and publishing the port stays the operator's choice (compose.yaml publishes it on the host's loopback).
ENV NODE_ENV=production \
    EASEL_CACHE_DIR=/cache \
    EASEL_DATA_DIR=/data \
    EASEL_OPS_HOST=0.0.0.0
# fonts-dejavu-core: the /presets gallery writes its labels' names as SVG text, which needs a font to draw.
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 easel \
 && useradd --system --uid 10001 --gid easel --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin easel \
 && mkdir -p /cache /data \
 && chown easel:easel /cache /data
WORKDIR /app
COPY --from=gpu-deps /app/node_modules ./node_modules
COPY --from=app /app ./
# /cache (EASEL_CACHE_DIR): downloaded weights. /data (EASEL_DATA_DIR): the job journal and unfinished jobs' images.
VOLUME ["/cache", "/data"]
# 8080: the web playground (PORT; EASEL_PLAYGROUND_HOST=0.0.0.0 and a token open it); 9464: /livez, /readyz, /metrics.
EXPOSE 8080 9464
USER easel
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["node", "/app/dist/ops/healthcheck-cli.js"]
CMD ["node", "dist/main.js"]

# ---- cpu target (last, so the default) ----
FROM node AS cpu
# EASEL_BACKEND=onnx: what this image is for. Forced, a broken ONNX Runtime stops the start with its reason
# instead of quietly falling back to wasm, 4–9× slower.
# GLIBC_TUNABLES: malloc on transparent huge pages; ONNX Runtime's evaluations are 6–17% faster, peak memory
# −13…+29% (bench/malloc.ts). glibc reads it only at start, so it is set here rather than by easel.
ENV NODE_ENV=production \
    EASEL_BACKEND=onnx \
    GLIBC_TUNABLES=glibc.malloc.hugetlb=1 \
    EASEL_CACHE_DIR=/cache \
    EASEL_DATA_DIR=/data \
    EASEL_OPS_HOST=0.0.0.0
# fonts-dejavu-core: the /presets gallery writes its labels' names as SVG text, which needs a font to draw.
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 easel \
 && useradd --system --uid 10001 --gid easel --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin easel \
 && mkdir -p /cache /data \
 && chown easel:easel /cache /data
WORKDIR /app
COPY --from=cpu-deps /app/node_modules ./node_modules
COPY --from=app /app ./
VOLUME ["/cache", "/data"]
EXPOSE 8080 9464
USER easel
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["node", "/app/dist/ops/healthcheck-cli.js"]
CMD ["node", "dist/main.js"]
