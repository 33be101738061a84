# easel on a GPU host: tfjs-node-gpu 4.22 is built against CUDA 11.8 and cuDNN 8.
# Build:  docker build -t easel .
# Run:    docker run --gpus all --env-file easel.env -v easel-cache:/cache -v /srv/easel-assets:/assets:ro -e EASEL_ASSETS=/assets easel
FROM nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu22.04

RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl gnupg \
 && curl -fsSL https://deb.nodesource.com/setup_20.x | bash - \
 && apt-get install -y --no-install-recommends nodejs \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
# The native tfjs packages are optional dependencies: on this image their install scripts can fetch libtensorflow.
RUN npm ci --no-audit --no-fund && npm prune --omit=dev
COPY commands ./commands
COPY config ./config

# Weights are downloaded once into the cache volume; point EASEL_VGG19 at a local copy to skip that.
ENV NODE_ENV=production \
    EASEL_CACHE_DIR=/cache \
    EASEL_LOG_LEVEL=info
RUN useradd --create-home easel && mkdir -p /cache && chown easel /cache
VOLUME ["/cache"]
USER easel
CMD ["node", "dist/main.js"]
