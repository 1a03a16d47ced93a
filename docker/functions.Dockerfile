# syntax=docker/dockerfile:1
# Daedalus function app in the same Functions host image Azure runs.
# Build from the repository root (the compose file does this):
#   docker build -f docker/functions.Dockerfile -t daedalus-functions .
# The build context is narrowed by functions.Dockerfile.dockerignore beside this file.

# The web console (console/, pinned by its package-lock.json), built here because the SDK image has no Node.
FROM node:20-bookworm-slim AS console
WORKDIR /src/console
COPY console/package.json console/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY console/ ./
RUN npm run build

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
COPY --from=console /src/console/dist console/dist
# The cache mount keeps NuGet packages between builds without baking them into a layer.
RUN --mount=type=cache,target=/root/.nuget/packages \
    dotnet publish functions/Daedalus.Functions.csproj \
        --configuration Release \
        --output /app/publish \
        -p:UseAppHost=false \
        -p:WebConsoleBuild=false

FROM mcr.microsoft.com/azure-functions/dotnet-isolated:4-dotnet-isolated10.0
ENV AzureWebJobsScriptRoot=/home/site/wwwroot \
    AzureFunctionsJobHost__Logging__Console__IsEnabled=true \
    FUNCTIONS_WORKER_RUNTIME=dotnet-isolated
COPY --from=build /app/publish /home/site/wwwroot
# The host listens on port 80 in this image.
EXPOSE 80
