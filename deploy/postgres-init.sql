-- Run once by the postgres image, on an empty data volume, as POSTGRES_USER (prassi).
-- One database per Prassi instance of docker-compose.yml; each instance applies its own
-- migrations at start-up.
CREATE DATABASE prassi_puglia;
CREATE DATABASE prassi_toscana;
CREATE DATABASE prassi_hub;
