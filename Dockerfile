# syntax=docker/dockerfile:1
# Mail Flow Doctor as a container: docker build -t mail-flow-doctor . && docker run -p 3978:3978 mail-flow-doctor
# See docs/deploy.md. Debian (glibc) rather than Alpine: better-sqlite3 ships prebuilt binaries for glibc, and
# the one stage that may have to compile it uses the same image, Node and libc as the runtime.
ARG NODE_IMAGE=node:20-bookworm-slim

# ---- toolchain: what compiling a native module needs (node-gyp: python3, make, g++); never in the runtime.
FROM ${NODE_IMAGE} AS toolchain
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./

# ---- build: every dependency (TypeScript is a dev dependency), then src/ -> dist/.
FROM toolchain AS build
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# ---- prod-deps: production dependencies only, better-sqlite3 built or fetched for this image.
FROM toolchain AS prod-deps
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# ---- runtime: Node, the production node_modules, the compiled code and the files it reads at run time.
FROM ${NODE_IMAGE} AS runtime
# HOST: listen on all interfaces of the container. Without MicrosoftAppId (local mode) the bot would
# otherwise listen on 127.0.0.1 only, unreachable through a published port; in local mode it is
# unauthenticated, so publish it to this machine only (docker run -p 127.0.0.1:3978:3978 ...).
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3978 \
    DATA_DIR=/data
WORKDIR /app
# Owned by root and read-only to the app's user; only DATA_DIR is writable.
COPY package.json ./
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Read at start-up through projectPath() (src/project-root.ts: the folder above dist/). playground/ is read
# whenever the playground is on (local mode, or PLAYGROUND=true); its card renderer comes from the
# adaptivecards package, a dev dependency not in this image, so here the page says it cannot draw cards:
# use npm start for the playground.
COPY cards ./cards
COPY src/knowledge/locales ./src/knowledge/locales
COPY src/render/locales ./src/render/locales
COPY playground ./playground
# SQLite state (STORAGE=sqlite, the default). Mount a persistent volume here, one running container per volume.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 3978
# No curl in the slim image: Node's own fetch. 127.0.0.1 is reachable because HOST=0.0.0.0.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3978)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# As npm start: restify's spdy dependency reads process.binding('http_parser') and would warn DEP0111.
CMD ["node", "--disable-warning=DEP0111", "dist/index.js"]
