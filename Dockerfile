# syntax=docker/dockerfile:1
# briefbot: build stage compiles better-sqlite3 and the TypeScript; the runtime stage is slim Node 20
# with only production dependencies, running as a non-root user with its data on the /data volume.

FROM node:20-bookworm-slim AS build
WORKDIR /app
# node-gyp needs Python, make and a C++ compiler to build better-sqlite3 from source.
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 make g++ \
    && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
# npm ci runs the prepare script, which builds dist/ with tsc.
RUN npm ci --no-audit --no-fund \
    && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    BRIEFINGS_DIR=/app/briefings \
    DATABASE_PATH=/data/briefbot.db \
    LOG_FORMAT=json \
    HEALTH_PORT=8080
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY briefings ./briefings
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.HEALTH_PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/cli/briefbot.js"]
