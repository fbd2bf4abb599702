# digital-proof service image. Build: docker build -t digital-proof .
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY src ./src
COPY schemas ./schemas
# npm run build compiles src/ → dist/src/ and bundles the web pages (src/web → dist/web) with esbuild.
COPY scripts/build.js ./scripts/
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production MALLOC_ARENA_MAX=2 HOST=0.0.0.0 PORT=3000 DATA_DIR=/var/lib/dproof/data KEYS_DIR=/var/lib/dproof/keys
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY schemas ./schemas
COPY bin ./bin
RUN mkdir -p /var/lib/dproof/data /var/lib/dproof/keys && chown -R node:node /var/lib/dproof
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --retries=5 CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# --max-semi-space-size=4: the same V8 flag as `npm start` (README, "Performance").
CMD ["node", "--max-semi-space-size=4", "--heap-growing-percent=20", "dist/src/server.js"]
