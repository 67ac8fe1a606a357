//! Least privilege (CC6.1, CC6.3; third-party trust CC9.2).

mod exposure;
pub mod iam001;
pub mod iam002;
pub mod iam003;
pub mod iam004;
pub mod iam005;
pub mod iam006;
pub mod iam007;
pub mod iam008;
pub mod iam009;
pub mod iam010;
pub mod iam011;
pub mod iam012;
pub mod iam013;
pub mod iam014;
