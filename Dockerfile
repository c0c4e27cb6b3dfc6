# The missionsearch image: a static binary on Debian slim with poppler-utils
# (pdftotext, pdfinfo) for PDF reports, run as the non-root user
# missionsearch (uid 10001), data in the volume /var/lib/missionsearch.
#
#   docker build -t missionsearch --build-arg VERSION=v1.2.0 .
#   docker run -v missionsearch-data:/var/lib/missionsearch -p 8080:8080 missionsearch
#   docker run -v missionsearch-data:/var/lib/missionsearch missionsearch crawl https://www.example.org/fr
#
# deploy/deploy_test.go checks this file (user, volume, COPY sources, the
# build command).

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=devel
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.linkedVersion=$VERSION" -o /out/missionsearch ./cmd/missionsearch

FROM debian:bookworm-slim
RUN apt-get update \
	&& apt-get install -y --no-install-recommends poppler-utils ca-certificates \
	&& rm -rf /var/lib/apt/lists/*
# The data directory is made, and owned by the user, before VOLUME, so that
# a new named volume starts with that owner.
RUN groupadd --system --gid 10001 missionsearch \
	&& useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/missionsearch --shell /usr/sbin/nologin missionsearch \
	&& install -d -o missionsearch -g missionsearch -m 0750 /var/lib/missionsearch
COPY --from=build /out/missionsearch /usr/local/bin/missionsearch
ENV MISSIONSEARCH_DATA=/var/lib/missionsearch
VOLUME /var/lib/missionsearch
# Numeric, so that runtimes enforcing a non-root user can check it.
USER 10001:10001
EXPOSE 8080
ENTRYPOINT ["missionsearch"]
CMD ["serve", "--addr", "0.0.0.0:8080"]
