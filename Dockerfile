# One image for web, worker and beat; configured only by environment variables.
# Assets are compiled in a Node stage from the npm registry, never from a CDN.
FROM node:20-bookworm-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend ./frontend
COPY static ./static
RUN npm run build

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
RUN useradd --system --uid 10001 --home /app prevent
COPY pyproject.toml constraints.txt README.md ./
COPY manage.py ./
COPY prevent_cases ./prevent_cases
COPY audit ./audit
COPY referrals ./referrals
COPY panels ./panels
COPY templates ./templates
COPY static ./static
COPY --from=assets /build/static/dist ./static/dist
RUN pip install --no-cache-dir -c constraints.txt . \
    && SECRET_KEY=build-only ALLOWED_HOSTS=build python manage.py collectstatic --no-input
USER prevent
EXPOSE 8000
CMD ["gunicorn", "prevent_cases.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
