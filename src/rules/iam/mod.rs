//! Least privilege (CC6.1, CC6.3; third-party trust CC9.2).

